/*
 * The in-house test harness: CHECK-style assertions inside test functions,
 * RUN(fn) to run one, and TEST_SUMMARY() to print "suite: N passed, N failed"
 * and return the exit status. No forking, so it runs under ASan and valgrind.
 * A test passes when none of its checks failed.
 */
#ifndef ICS_TEST_HARNESS_H
#define ICS_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed, harness_current_failed;

#define CHECK(cond) do { \
    if (!(cond)) { \
        harness_current_failed++; \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    } } while (0)

#define CHECK_INT(actual, expected) do { \
    long long a_ = (long long)(actual), e_ = (long long)(expected); \
    if (a_ != e_) { \
        harness_current_failed++; \
        fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_); \
    } } while (0)

#define CHECK_STR(actual, expected) do { \
    const char *a_ = (actual), *e_ = (expected); \
    if (!a_ || strcmp(a_, e_) != 0) { \
        harness_current_failed++; \
        fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
                a_ ? a_ : "(null)", e_); \
    } } while (0)

/* |actual - expected| <= tol * max(1, |expected|) */
#define CHECK_NEAR(actual, expected, tol) do { \
    double a_ = (actual), e_ = (expected), m_ = e_ < 0 ? -e_ : e_; \
    double d_ = a_ - e_; if (d_ < 0) d_ = -d_; \
    if (!(d_ <= (tol) * (m_ > 1 ? m_ : 1))) { \
        harness_current_failed++; \
        fprintf(stderr, "%s:%d: %s is %.17g, expected %.17g\n", __FILE__, __LINE__, #actual, a_, e_); \
    } } while (0)

#define RUN(fn) do { \
    harness_current_failed = 0; \
    fn(); \
    if (harness_current_failed) { harness_failed++; fprintf(stderr, "FAIL %s\n", #fn); } \
    else harness_passed++; \
    } while (0)

#define TEST_SUMMARY(suite) \
    (printf("%s: %d passed, %d failed\n", suite, harness_passed, harness_failed), harness_failed ? 1 : 0)

#endif
