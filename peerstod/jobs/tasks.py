"""The one task the queue knows: run job N (services.run)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from peerstod.jobs import services  # not at import: the task module loads with the queue

    services.run(job_id)
