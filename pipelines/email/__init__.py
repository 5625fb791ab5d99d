"""The weekly scorecard e-mail (``dancu email``).

Modules, in the order a run uses them: ``week`` (ISO weeks, the run a week earlier, one run
per week for the trend), ``digest`` (the report model of one message, national or one
province), ``wording`` (subject, heading, what the changes compare with), ``message`` (the
MIME message: the report's e-mail templates, the chart as PNG, the attached report),
``outbox`` (``.eml`` files and the outbox), ``send`` (SMTP), ``command`` (the whole run).
"""
