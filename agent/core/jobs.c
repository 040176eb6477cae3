/*
 * jobs.c - the serialized HAL job queue: blocking HAL work runs on
 * libuv's work queue, one job at a time and in order, so no backend
 * needs locking; each job's `after` runs back on the loop.
 */
#include <stdlib.h>

#include "agent/core/core.h"

struct hal_job {
	uv_work_t work;
	struct wardend *d;
	void (*fn)(struct wardend *, void *);
	void (*after)(struct wardend *, void *);
	void *arg;
	struct hal_job *next;
};

static void job_next(struct wardend *d);

static void
job_work(uv_work_t *w)
{
	struct hal_job *j = w->data;

	j->fn(j->d, j->arg);
}

static void
job_done(uv_work_t *w, int status)
{
	struct hal_job *j = w->data;
	struct wardend *d = j->d;

	(void)status;
	d->job_running = false;
	if (j->after != NULL)
		j->after(d, j->arg);
	free(j);
	job_next(d);
}

static void
job_next(struct wardend *d)
{
	struct hal_job *j = d->jobs_head;

	if (d->job_running || j == NULL)
		return;
	d->jobs_head = j->next;
	if (d->jobs_head == NULL)
		d->jobs_tail = NULL;
	d->job_running = true;
	j->work.data = j;
	if (uv_queue_work(d->loop, &j->work, job_work, job_done) != 0) {
		/* Cannot happen with a valid loop; run inline rather than
		 * lose the job. */
		job_work(&j->work);
		job_done(&j->work, 0);
	}
}

void
daemon_hal_job(struct wardend *d, void (*work)(struct wardend *, void *),
    void (*after)(struct wardend *, void *), void *arg)
{
	struct hal_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		fatal("calloc");
	j->d = d;
	j->fn = work;
	j->after = after;
	j->arg = arg;
	if (d->jobs_tail != NULL)
		d->jobs_tail->next = j;
	else
		d->jobs_head = j;
	d->jobs_tail = j;
	job_next(d);
}
