/*
 * The generators' output writer: two buffers, one being filled while a
 * thread hands the other to fwrite (synth_internal.h says why).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "synth_internal.h"

static int write_all(FILE *out, const char *p, size_t n, int *err_no)
{
    errno = 0;
    if (n && fwrite(p, 1, n, out) != n) {
        *err_no = errno;
        return -1;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct synth_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->busy && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->busy)
            break;
        const char *job = w->job;
        size_t len = w->job_len;
        int err_no = 0;
        pthread_mutex_unlock(&w->mu);
        int bad = !w->failed && write_all(w->out, job, len, &err_no);
        pthread_mutex_lock(&w->mu);
        if (bad) {
            w->failed = 1;
            w->failed_errno = err_no;
        }
        w->busy = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int write_error(const struct synth_writer *w, struct ics_error *err, int err_no)
{
    return ics_error_set(err, ICS_ERR_IO, "error writing %s: %s", w->what ? w->what : "spells",
                         err_no ? strerror(err_no) : "short write");
}

/* Waits until the writer thread is idle; returns its failure, if any. */
static int writer_wait(struct synth_writer *w, struct ics_error *err)
{
    pthread_mutex_lock(&w->mu);
    while (w->busy)
        pthread_cond_wait(&w->cv, &w->mu);
    int failed = w->failed, err_no = w->failed_errno;
    pthread_mutex_unlock(&w->mu);
    return failed ? write_error(w, err, err_no) : ICS_OK;
}

int icsi_synth_writer_init(struct synth_writer *w, FILE *out, const char *what, struct ics_error *err)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->what = what;
    w->buf[0] = ics_malloc(OUT_BUFFER);
    w->buf[1] = ics_malloc(OUT_BUFFER);
    if (!w->buf[0] || !w->buf[1])
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

int icsi_synth_writer_flush(struct synth_writer *w, struct ics_error *err)
{
    if (!w->used)
        return ICS_OK;
    if (!w->threaded) {
        int err_no = 0;
        if (write_all(w->out, w->buf[w->cur], w->used, &err_no))
            return write_error(w, err, err_no);
    } else {
        int rc = writer_wait(w, err);
        if (rc)
            return rc;
        pthread_mutex_lock(&w->mu);
        w->job = w->buf[w->cur];
        w->job_len = w->used;
        w->busy = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        w->cur ^= 1;
    }
    w->bytes += w->used;
    w->used = 0;
    return ICS_OK;
}

void icsi_synth_writer_start(struct synth_writer *w)
{
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return;
    }
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return;
    }
    w->threaded = 1;
}

/* Waits for the last write and ends the thread; returns a write failure. */
static int writer_stop(struct synth_writer *w, struct ics_error *err)
{
    if (!w->threaded)
        return ICS_OK;
    int rc = writer_wait(w, err);
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->threaded = 0;
    return rc;
}

int icsi_synth_writer_finish(struct synth_writer *w, struct ics_error *err)
{
    int rc;
    if ((rc = icsi_synth_writer_flush(w, err)) != ICS_OK || (rc = writer_stop(w, err)) != ICS_OK)
        return rc;
    if (fflush(w->out) != 0)
        return write_error(w, err, errno);
    return ICS_OK;
}

void icsi_synth_writer_release(struct synth_writer *w)
{
    if (w->threaded) {
        struct ics_error ignored;   /* the first error is already in the caller's err */
        writer_stop(w, &ignored);
    }
    ics_free(w->buf[1]);
    ics_free(w->buf[0]);
    w->buf[0] = w->buf[1] = NULL;
}
