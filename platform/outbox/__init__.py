"""The outbox: every Celery job is written in the same transaction as the change it follows.

Apps never call ``.delay()``: they call ``outbox.services.enqueue(task, *args)``. The job is a
row committed with the write; right after the commit it is sent to the broker, and the row goes.
If the broker does not answer, the row stays and ``outbox.tasks.drain`` (Celery beat, every
minute) sends it later. A committed write is never reported as failed because of the broker.
"""
