/* worker.h - a background thread of the server that runs a job at start,
 * then every so many seconds, until stopped (the housekeeper, the mailer).
 *
 * What the two share: a lock that also guards the job's own status, a
 * condition on the monotonic clock (a change of the wall clock moves no
 * wait), a wake-up (run now) and a stop that interrupts any wait.  The job
 * runs without the lock held.
 */
#ifndef YC_WORKER_H
#define YC_WORKER_H

#include <pthread.h>
#include <stdbool.h>

struct worker {
	pthread_t thread;
	pthread_mutex_t lock; /* the worker's flags and the job's status */
	pthread_cond_t wake;
	bool stop, woken;
	unsigned interval_s;
	void (*job)(void *arg); /* one run; called without the lock */
	void *arg;
};

/* worker_start: start w's thread running job(arg) now and then every
 * interval_s seconds or when woken; 0, or -1 with nothing left to free. */
int worker_start(struct worker *w, unsigned interval_s, void (*job)(void *), void *arg);

/* worker_wake: run the job again as soon as the current run ends. */
void worker_wake(struct worker *w);

/* worker_stopping: stop was asked for (a long job may end early). */
bool worker_stopping(struct worker *w);

/* worker_stop: ask the thread to stop, wait for the run in progress to
 * end, release w's lock and condition. */
void worker_stop(struct worker *w);

#endif
