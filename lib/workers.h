#ifndef OMS_WORKERS_H
#define OMS_WORKERS_H
/*
 * workers: a job shared by threads, the one way oms runs threads.  The
 * caller starts workers, each a function and its argument, that run
 * beside it while it does its own share, then joins them: workers_join
 * waits for every worker started and gives the first result that is not
 * 0, in the order they were started.  The job's state is the caller's;
 * mu guards it and cv is broadcast when it changes (workers_stop: the
 * workers are to stop).  Used by the long views of oms-report
 * (report.c), its HTML page (html.c) and the threaded check
 * (store-check.c).
 */
#include <pthread.h>

#define WORKERS_MAX 4		/* workers started at most */

struct workers {
	pthread_mutex_t mu;	/* guards stop and the caller's state of the job */
	pthread_cond_t cv;	/* broadcast when that changes */
	int stop;		/* set by workers_stop */
	int n;			/* workers started */
	struct worker_thread {
		pthread_t t;
		int (*fn)(void *arg);
		void *arg;
		int r;		/* fn's result, once joined */
	} w[WORKERS_MAX];
};

/* Ready ws for a job: no worker started, stop 0.  workers_release frees it. */
void workers_init(struct workers *ws);
/*
 * Start fn(arg) in a thread of its own: 0, or -1 with errno set when the
 * thread cannot start (then nothing was started, and the caller may do
 * the work itself).  At most WORKERS_MAX.
 */
int workers_start(struct workers *ws, int (*fn)(void *arg), void *arg);
/* Set stop and wake every thread that waits on cv. */
void workers_stop(struct workers *ws);
/*
 * Wait for every worker started: the first result that is not 0, in the
 * order they were started, else 0.  None are started after.
 */
int workers_join(struct workers *ws);
/* Free ws, whose workers were joined. */
void workers_release(struct workers *ws);

#endif
