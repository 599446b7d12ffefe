#include <assert.h>
#include <errno.h>
#include <string.h>

#include "workers.h"

void
workers_init(struct workers *ws)
{
	memset(ws, 0, sizeof *ws);
	pthread_mutex_init(&ws->mu, NULL);
	pthread_cond_init(&ws->cv, NULL);
}

static void *
worker_main(void *p)
{
	struct worker_thread *t = p;

	t->r = t->fn(t->arg);
	return NULL;
}

int
workers_start(struct workers *ws, int (*fn)(void *arg), void *arg)
{
	struct worker_thread *t;
	int rc;

	assert(ws->n < WORKERS_MAX);
	t = &ws->w[ws->n];
	t->fn = fn;
	t->arg = arg;
	t->r = 0;
	if ((rc = pthread_create(&t->t, NULL, worker_main, t)) != 0) {
		errno = rc;
		return -1;
	}
	ws->n++;
	return 0;
}

void
workers_stop(struct workers *ws)
{
	pthread_mutex_lock(&ws->mu);
	ws->stop = 1;
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
}

int
workers_join(struct workers *ws)
{
	int i, r = 0;

	for (i = 0; i < ws->n; i++) {
		pthread_join(ws->w[i].t, NULL);
		if (r == 0)
			r = ws->w[i].r;
	}
	ws->n = 0;
	return r;
}

void
workers_release(struct workers *ws)
{
	pthread_cond_destroy(&ws->cv);
	pthread_mutex_destroy(&ws->mu);
}
