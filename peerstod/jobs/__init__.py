"""Background jobs: what takes longer than a page should (large PDFs, imports) runs
outside the request, with progress on a page of its own and a notification when done.

An app declares a kind of job in its own module with `registry.job` and starts one with
`services.job_start`; the job page (`jobs:detail`) shows its progress and offers the
result. See docs/dev/decisions.md ("Background jobs")."""
