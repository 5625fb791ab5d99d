"""The weekly scorecard e-mail (``dancu email``).

Modules, in the order a run uses them: ``week`` (ISO weeks, the run a week earlier, one run
per week for the trend), ``digest`` (the figures of one message, national or one province),
``chart`` (the trend as a PNG), ``text_part`` / ``html_part`` (the two bodies), ``message``
(the MIME message), ``outbox`` (``.eml`` files and the outbox), ``send`` (SMTP), ``command``
(the whole run).
"""
