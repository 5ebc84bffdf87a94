/*
 * service_maintenance.c - the escalation pass inside `qilian serve`: a
 * thread with its own database connection runs service_escalate for
 * today's Shanghai date at start and then every SERVICE_MAINTENANCE_PERIOD
 * seconds, after moving any provisional deadline onto a newer calendar
 * (service_recompute_deadlines: a new build with a newer chinese-days
 * recomputes at its first start). Each step is recorded once per deadline (a unique key), so
 * repeated runs, and several servers behind one load balancer, add nothing
 * twice; a new day's steps are taken within the period.
 */
#include "services/service.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/log.h"
#include "store/migrate.h"

static pthread_t thread;
static bool running;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping;

static void run_once(const char *path)
{
	struct qerror e = {0};
	struct db *db = db_open(path, false, &e);
	if (!db) {
		log_error("service maintenance: %s", e.message);
		return;
	}
	/* The server migrates the database as it starts: until then there is nothing to escalate. */
	int version = 0;
	if (migrate_current(db, &version, &e) || version < migrate_latest()) {
		db_close(db);
		return;
	}
	struct actor a;
	actor_cli(&a);
	json_t *out = NULL;
	/* Deadlines the provisional rule gave, onto this (perhaps newer) calendar, before the ladder reads them. */
	if (service_recompute_deadlines(db, &a, &out, &e))
		log_error("service maintenance: recomputing provisional deadlines: %s", e.message);
	else if (json_integer_value(json_object_get(out, "recomputed")) > 0)
		log_info("service maintenance: %lld provisional deadline(s) recomputed on %s",
			 (long long)json_integer_value(json_object_get(out, "recomputed")),
			 json_string_value(json_object_get(json_object_get(out, "calendar"), "id")));
	json_decref(out);
	out = NULL;
	e = (struct qerror){0};
	if (service_escalate(db, &a, qdate_shanghai_today(), &out, &e))
		log_error("service maintenance: %s", e.message);
	json_decref(out);
	db_close(db);
}

static void *loop(void *arg)
{
	char *path = arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		pthread_mutex_unlock(&lock);
		run_once(path);
		pthread_mutex_lock(&lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += SERVICE_MAINTENANCE_PERIOD;
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&lock);
	free(path);
	return NULL;
}

void service_maintenance_start(const char *db_path)
{
	char *path = strdup(db_path);
	if (!path)
		return;
	stopping = false;
	/* Every signal blocked in the thread: SIGINT/SIGTERM are the server's main thread's. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&thread, NULL, loop, path) == 0)
		running = true;
	else
		free(path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void service_maintenance_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
}
