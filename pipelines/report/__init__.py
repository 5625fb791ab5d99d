"""What dancu shows people: console tables, history, reports, worklists, masking.

``model`` builds the one report model from a scorecard (``summary`` ranks and sums, ``examples``
finds example records, ``chart`` draws the trend); ``render`` renders it with the Jinja2
templates in ``templates/`` (HTML and Markdown report, e-mail HTML and text) and writes the
reports; ``labels`` and ``texts`` hold the words and number formats; ``worklist`` and ``xlsx``
write the per-province Excel worklists; ``history`` keeps the scorecards of earlier runs;
``masking`` masks values for anything that leaves the machine.
"""
