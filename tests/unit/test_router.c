/*
 * test_router.c - http_route_match over the combined route table of every
 * domain (build/gen/http_route_tables.c): a literal segment wins over a
 * {parameter} for its own method, 404 (no such path) against 405 (path known,
 * method not), HEAD answered by GET, parameters captured in order, paths too
 * long for the scratch buffer, and every route reachable - no pattern earlier
 * in the combined table shadows it, whichever domain's table it came from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http/http.h"

/* The server's scratch size (server.c): every path parameter is copied into it. */
#define SCRATCH 1024

struct match {
	int status;
	const struct http_route *route;
	const char *params[HTTP_MAX_PARAMS];
	char scratch[SCRATCH];
};

static int match_into(struct match *m, const char *method, const char *path, size_t scratch_len)
{
	memset(m, 0, sizeof *m);
	m->route = (const struct http_route *)m; /* must be reset to NULL when nothing matches */
	m->status = http_route_match(method, path, &m->route, m->scratch, scratch_len, m->params);
	return m->status;
}

static int match(struct match *m, const char *method, const char *path)
{
	return match_into(m, method, path, sizeof m->scratch);
}

/* Asserts that method+path is answered by the route method_want+pattern. */
static void assert_routed(const char *method, const char *path, const char *method_want, const char *pattern)
{
	struct match m;
	if (match(&m, method, path) != 0)
		fail_msg("%s %s: %d, expected %s %s", method, path, m.status, method_want, pattern);
	if (strcmp(m.route->method, method_want) != 0 || strcmp(m.route->pattern, pattern) != 0)
		fail_msg("%s %s: routed to %s %s, expected %s %s", method, path, m.route->method, m.route->pattern,
			 method_want, pattern);
}

static void assert_status(const char *method, const char *path, int status)
{
	struct match m;
	if (match(&m, method, path) != status)
		fail_msg("%s %s: %d, expected %d", method, path, m.status, status);
	assert_null(m.route);
}

static void test_a_literal_segment_wins_over_a_parameter_for_its_method(void **state)
{
	(void)state;
	assert_routed("POST", "/api/v1/enterprises/import", "POST", "/api/v1/enterprises/import");
	assert_routed("GET", "/api/v1/enterprises/export", "GET", "/api/v1/enterprises/export");
	assert_routed("GET", "/api/v1/enterprises/stats", "GET", "/api/v1/enterprises/stats");
	assert_routed("GET", "/api/v1/enterprises/91320583MA1N2L8E6H", "GET", "/api/v1/enterprises/{uscc}");
	assert_routed("POST", "/api/v1/supplies/import", "POST", "/api/v1/supplies/import");
	assert_routed("GET", "/api/v1/supplies/export", "GET", "/api/v1/supplies/export");
	assert_routed("GET", "/api/v1/supplies/7", "GET", "/api/v1/supplies/{id}");
	assert_routed("POST", "/api/v1/demands/import", "POST", "/api/v1/demands/import");
	assert_routed("GET", "/api/v1/demands/export", "GET", "/api/v1/demands/export");
	assert_routed("GET", "/api/v1/demands/7", "GET", "/api/v1/demands/{id}");
	assert_routed("POST", "/api/v1/inbox/read-all", "POST", "/api/v1/inbox/read-all");
	assert_routed("POST", "/api/v1/inbox/7/read", "POST", "/api/v1/inbox/{id}/read");
	assert_routed("GET", "/api/v1/inbox/count", "GET", "/api/v1/inbox/count");
	/* Across domains' tables: the chain map's /chains/{chain} after the registry's /chains. */
	assert_routed("GET", "/api/v1/chains", "GET", "/api/v1/chains");
	assert_routed("GET", "/api/v1/chains/nev", "GET", "/api/v1/chains/{chain}");
	assert_routed("GET", "/api/v1/chains/nev/health", "GET", "/api/v1/chains/{chain}/health");
	assert_routed("GET", "/api/v1/enterprises/91320583MA1N2L8E6H/scorecard", "GET",
		      "/api/v1/enterprises/{uscc}/scorecard");
}

static void test_a_literal_only_wins_for_its_own_method(void **state)
{
	(void)state;
	/* There is no GET .../import: the path falls through to the parameter route of that method. */
	struct match m;
	assert_int_equal(match(&m, "GET", "/api/v1/enterprises/import"), 0);
	assert_string_equal(m.route->pattern, "/api/v1/enterprises/{uscc}");
	assert_string_equal(m.params[0], "import");
	assert_routed("DELETE", "/api/v1/supplies/export", "DELETE", "/api/v1/supplies/{id}");
	assert_routed("PATCH", "/api/v1/demands/import", "PATCH", "/api/v1/demands/{id}");
}

static void test_an_unknown_path_is_404_and_a_known_path_with_another_method_405(void **state)
{
	(void)state;
	assert_status("GET", "/api/v1/nosuch", 404);
	assert_status("GET", "/api/v1/health/", 404);      /* a trailing slash is another path */
	assert_status("GET", "/api/v1/health/extra", 404); /* so is a longer one */
	assert_status("GET", "/api/v1/healt", 404);
	assert_status("GET", "/api/v1", 404);
	assert_status("GET", "/", 404);
	assert_status("GET", "", 404);
	assert_status("GET", "/api/v1/enterprises//capabilities", 404); /* an empty segment is no parameter */
	assert_status("POST", "/api/v1/nosuch", 404);
	assert_status("PUT", "/api/v1/health", 405);
	assert_status("DELETE", "/api/v1/inbox/read-all", 405);
	assert_status("GET", "/api/v1/inbox/read-all", 405);
	assert_status("PUT", "/api/v1/enterprises/import", 405); /* neither the literal nor {uscc} has PUT */
	assert_status("OPTIONS", "/api/v1/enterprises", 405);
	assert_status("get", "/api/v1/health", 405); /* methods are case-sensitive (RFC 9110) */
}

static void test_head_is_answered_by_the_get_route(void **state)
{
	(void)state;
	assert_routed("HEAD", "/api/v1/health", "GET", "/api/v1/health");
	assert_routed("HEAD", "/api/v1/enterprises/export", "GET", "/api/v1/enterprises/export");
	assert_routed("HEAD", "/api/v1/enterprises/91320583MA1N2L8E6H", "GET", "/api/v1/enterprises/{uscc}");
	assert_status("HEAD", "/api/v1/auth/login", 405); /* POST only */
	assert_status("HEAD", "/api/v1/nosuch", 404);
}

static void test_parameters_are_captured_in_order_and_the_rest_cleared(void **state)
{
	(void)state;
	struct match m;
	assert_int_equal(match(&m, "PUT", "/api/v1/enterprises/91320583MA1N2L8E6H/capabilities/nev/cell"), 0);
	assert_string_equal(m.route->pattern, "/api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}");
	assert_string_equal(m.params[0], "91320583MA1N2L8E6H");
	assert_string_equal(m.params[1], "nev");
	assert_string_equal(m.params[2], "cell");
	assert_null(m.params[3]);

	/* A parameter is one segment, kept as sent: UTF-8 and percent escapes are not decoded here. */
	assert_int_equal(match(&m, "GET", "/api/v1/chains/新能源车/segments/a%2Fb/fill"), 0);
	assert_string_equal(m.route->pattern, "/api/v1/chains/{chain}/segments/{segment}/fill");
	assert_string_equal(m.params[0], "新能源车");
	assert_string_equal(m.params[1], "a%2Fb");
	assert_null(m.params[2]);

	/* /demands/{id}/invitations, tried first, captures "export" before failing: the literal route clears it. */
	memset(m.params, 0x55, sizeof m.params);
	assert_int_equal(http_route_match("GET", "/api/v1/demands/export", &m.route, m.scratch, sizeof m.scratch, m.params),
			 0);
	assert_string_equal(m.route->pattern, "/api/v1/demands/export");
	for (int k = 0; k < HTTP_MAX_PARAMS; k++)
		assert_null(m.params[k]);
}

static void test_a_path_too_long_for_the_scratch_buffer_is_404(void **state)
{
	(void)state;
	struct match m;
	char path[SCRATCH + 64];
	/* "/api/v1/enterprises/" and a parameter: exactly fills the scratch buffer with its terminator. */
	const char *prefix = "/api/v1/enterprises/";
	size_t n = strlen(prefix);
	memcpy(path, prefix, n);
	memset(path + n, 'A', 64 - 1 - n);
	path[64 - 1] = 0;
	assert_int_equal(match_into(&m, "GET", path, 64), 0);
	assert_string_equal(m.route->pattern, "/api/v1/enterprises/{uscc}");
	assert_int_equal(strlen(m.params[0]), 64 - 1 - n);

	/* One byte more than fits: refused before any pattern is tried, as an unknown path. */
	memset(path + n, 'A', 64 - n);
	path[64] = 0;
	assert_int_equal(match_into(&m, "GET", path, 64), 404);
	assert_null(m.route);

	/* And at the server's own size. */
	memset(path + n, 'A', sizeof path - 1 - n);
	path[sizeof path - 1] = 0;
	assert_int_equal(match(&m, "GET", path), 404);
	assert_null(m.route);
}

/* The route's pattern with every {parameter} replaced by a value no literal segment uses ("zz0", "zz1"...). */
static void sample_path(const struct http_route *r, char *out, size_t size, int *nparams)
{
	size_t n = 0;
	*nparams = 0;
	for (const char *p = r->pattern; *p; p++) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			assert_non_null(close);
			n += (size_t)snprintf(out + n, size - n, "zz%d", (*nparams)++);
			p = close;
		} else if (n + 1 < size) {
			out[n++] = *p;
		}
		assert_true(n < size);
	}
	out[n] = 0;
}

static void test_every_route_is_reachable_through_the_combined_table(void **state)
{
	(void)state;
	size_t count = http_route_count();
	assert_true(count > 0);
	for (size_t i = 0; i < count; i++) {
		const struct http_route *r = http_route_at(i);
		char path[512];
		int np;
		sample_path(r, path, sizeof path, &np);
		if (np > HTTP_MAX_PARAMS - 1)
			fail_msg("%s %s: %d parameters, the router captures at most %d", r->method, r->pattern, np,
				 HTTP_MAX_PARAMS - 1);
		struct match m;
		if (match(&m, r->method, path) != 0 || m.route != r)
			fail_msg("%s %s (sample %s) is shadowed: answered by %s %s (status %d)", r->method, r->pattern, path,
				 m.route ? m.route->method : "-", m.route ? m.route->pattern : "-", m.status);
		for (int k = 0; k < np; k++) {
			char want[16];
			snprintf(want, sizeof want, "zz%d", k);
			assert_string_equal(m.params[k], want);
		}
		assert_null(m.params[np]);
		if (strcmp(r->method, "GET") == 0 && (match(&m, "HEAD", path) != 0 || m.route != r))
			fail_msg("HEAD %s is not answered by GET %s", path, r->pattern);
	}
}

static void test_every_table_is_ordered_named_and_documents_its_routes(void **state)
{
	(void)state;
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	size_t total = 0;
	int tables = 0;
	for (const struct http_route_table *const *t = http_route_tables; *t; t++, tables++) {
		assert_non_null((*t)->name);
		assert_true((*t)->name[0] != 0);
		assert_true((*t)->order >= 0 && (*t)->order <= 9999);
		assert_true((*t)->count > 0);
		if (t != http_route_tables) {
			/* By increasing order, and no two tables share one (their relative order would be by name only). */
			if (!((*t)->order > t[-1]->order))
				fail_msg("tables %s (%d) and %s (%d) are out of order", t[-1]->name, t[-1]->order, (*t)->name,
					 (*t)->order);
		}
		for (const struct http_route_table *const *u = http_route_tables; u != t; u++)
			assert_string_not_equal((*u)->name, (*t)->name);
		for (size_t i = 0; i < (*t)->count; i++) {
			const struct http_route *r = &(*t)->routes[i];
			bool known = false;
			for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++)
				known |= r->method && strcmp(r->method, methods[k]) == 0;
			if (!known || !r->pattern || strncmp(r->pattern, "/api/v1/", 8) != 0 || !r->who || !r->fn ||
			    !r->tag || !r->summary)
				fail_msg("table %s, route %zu (%s %s) is incomplete", (*t)->name, i,
					 r->method ? r->method : "?", r->pattern ? r->pattern : "?");
			assert_ptr_equal(http_route_at(total + i), r);
		}
		total += (*t)->count;
	}
	assert_true(tables >= 4); /* system, registry, chainmap, market */
	assert_int_equal(http_route_count(), total);
	assert_null(http_route_at(total));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_literal_segment_wins_over_a_parameter_for_its_method),
		cmocka_unit_test(test_a_literal_only_wins_for_its_own_method),
		cmocka_unit_test(test_an_unknown_path_is_404_and_a_known_path_with_another_method_405),
		cmocka_unit_test(test_head_is_answered_by_the_get_route),
		cmocka_unit_test(test_parameters_are_captured_in_order_and_the_rest_cleared),
		cmocka_unit_test(test_a_path_too_long_for_the_scratch_buffer_is_404),
		cmocka_unit_test(test_every_route_is_reachable_through_the_combined_table),
		cmocka_unit_test(test_every_table_is_ordered_named_and_documents_its_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
