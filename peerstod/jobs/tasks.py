"""The one task the queue knows: run job N (runner.run)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from peerstod.jobs import runner  # not at import: the task module loads with the queue

    runner.run(job_id)
