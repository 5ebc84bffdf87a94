/*
 * api.h - the route handlers behind http_routes (routes.c) and the request
 * body field lists they decode. Internal to src/http.
 */
#ifndef QILIAN_API_H
#define QILIAN_API_H
#include <stdio.h>
#include "http/http.h"

/* A CSV import and export as enterprise_import and the chain map's (see cli.h for the same shapes). */
typedef enum qerr (*api_import_fn)(struct db *, const struct actor *, const char *, size_t, void (*)(long, void *),
				   void *, json_t **, struct qerror *);
typedef enum qerr (*api_export_fn)(struct db *, const struct actor *, FILE *, long *, struct qerror *);

/* Imports the request's CSV body; a rejected file answers with the error and {"report": …}. */
enum qerr api_csv_import(struct http_req *req, struct http_res *res, api_import_fn fn);

/* Answers with the CSV fn writes, as an attachment named by disposition. */
enum qerr api_csv_export(struct http_req *req, struct http_res *res, api_export_fn fn, const char *disposition);

/* Parses path parameter idx as a positive id (422 naming name otherwise). */
enum qerr api_param_id(struct http_req *req, int idx, const char *name, int64_t *out);

extern const struct jfield api_login_fields[], api_password_fields[], api_org_fields[], api_user_fields[];

enum qerr api_health(struct http_req *req, struct http_res *res);
enum qerr api_openapi(struct http_req *req, struct http_res *res);
enum qerr api_login(struct http_req *req, struct http_res *res);
enum qerr api_logout(struct http_req *req, struct http_res *res);
enum qerr api_me(struct http_req *req, struct http_res *res);
enum qerr api_password(struct http_req *req, struct http_res *res);
enum qerr api_org_list(struct http_req *req, struct http_res *res);
enum qerr api_org_create(struct http_req *req, struct http_res *res);
enum qerr api_org_get(struct http_req *req, struct http_res *res);
enum qerr api_user_list(struct http_req *req, struct http_res *res);
enum qerr api_user_create(struct http_req *req, struct http_res *res);
enum qerr api_audit_list(struct http_req *req, struct http_res *res);

enum qerr api_enterprise_list(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_create(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_get(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_update(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_delete(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_import(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_export(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_stats(struct http_req *req, struct http_res *res);

enum qerr api_uscc_check(struct http_req *req, struct http_res *res);
enum qerr api_classify(struct http_req *req, struct http_res *res);
enum qerr api_region_list(struct http_req *req, struct http_res *res);
enum qerr api_region_get(struct http_req *req, struct http_res *res);
enum qerr api_industry_list(struct http_req *req, struct http_res *res);
enum qerr api_chain_list(struct http_req *req, struct http_res *res);

extern const struct jfield api_disrupt_fields[];
enum qerr api_chain_health(struct http_req *req, struct http_res *res);
enum qerr api_chain_suppliers(struct http_req *req, struct http_res *res);
enum qerr api_chain_local_rate(struct http_req *req, struct http_res *res);
enum qerr api_chain_critical(struct http_req *req, struct http_res *res);
enum qerr api_chain_disrupt(struct http_req *req, struct http_res *res);
enum qerr api_chain_fill(struct http_req *req, struct http_res *res);
enum qerr api_chain_graph(struct http_req *req, struct http_res *res);

/* Chain map records (api_chainmap.c). */
extern const struct jfield api_chain_fields[], api_segment_fields[], api_capability_fields[], api_relation_fields[];
enum qerr api_chain_get(struct http_req *req, struct http_res *res);
enum qerr api_chain_put(struct http_req *req, struct http_res *res);
enum qerr api_segment_put(struct http_req *req, struct http_res *res);
enum qerr api_segment_delete(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_of(struct http_req *req, struct http_res *res);
enum qerr api_capability_put(struct http_req *req, struct http_res *res);
enum qerr api_capability_delete(struct http_req *req, struct http_res *res);
enum qerr api_relation_list(struct http_req *req, struct http_res *res);
enum qerr api_relation_get(struct http_req *req, struct http_res *res);
enum qerr api_relation_put(struct http_req *req, struct http_res *res);
enum qerr api_relation_delete(struct http_req *req, struct http_res *res);
enum qerr api_segments_import(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_import(struct http_req *req, struct http_res *res);
enum qerr api_relations_import(struct http_req *req, struct http_res *res);
enum qerr api_segments_export(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_export(struct http_req *req, struct http_res *res);
enum qerr api_relations_export(struct http_req *req, struct http_res *res);

/* Market: RFQ, quotes, orders, scorecards and statistics (api_market_rfq.c). */
extern const struct jfield api_market_award_fields[];
enum qerr api_market_invitations(struct http_req *req, struct http_res *res);
enum qerr api_market_invite(struct http_req *req, struct http_res *res);
enum qerr api_market_quotes(struct http_req *req, struct http_res *res);
enum qerr api_market_quote_create(struct http_req *req, struct http_res *res);
enum qerr api_market_quote_update(struct http_req *req, struct http_res *res);
enum qerr api_market_quote_withdraw(struct http_req *req, struct http_res *res);
enum qerr api_market_close(struct http_req *req, struct http_res *res);
enum qerr api_market_award(struct http_req *req, struct http_res *res);
enum qerr api_market_orders(struct http_req *req, struct http_res *res);
enum qerr api_market_order(struct http_req *req, struct http_res *res);
enum qerr api_market_order_ship(struct http_req *req, struct http_res *res);
enum qerr api_market_order_deliver(struct http_req *req, struct http_res *res);
enum qerr api_market_order_accept(struct http_req *req, struct http_res *res);
enum qerr api_market_order_reject(struct http_req *req, struct http_res *res);
enum qerr api_market_scorecard(struct http_req *req, struct http_res *res);
enum qerr api_market_stats(struct http_req *req, struct http_res *res);

/* Market matching (api_market_match.c). */
enum qerr api_match_demand(struct http_req *req, struct http_res *res);
enum qerr api_match_supply(struct http_req *req, struct http_res *res);
enum qerr api_match_text(struct http_req *req, struct http_res *res);
enum qerr api_match_index(struct http_req *req, struct http_res *res);

/* Market listings (api_market_listing.c), subscriptions and inbox (api_market_inbox.c). */
enum qerr api_supply_list(struct http_req *req, struct http_res *res);
enum qerr api_supply_create(struct http_req *req, struct http_res *res);
enum qerr api_supply_get(struct http_req *req, struct http_res *res);
enum qerr api_supply_update(struct http_req *req, struct http_res *res);
enum qerr api_supply_withdraw(struct http_req *req, struct http_res *res);
enum qerr api_supplies_import(struct http_req *req, struct http_res *res);
enum qerr api_supplies_export(struct http_req *req, struct http_res *res);
enum qerr api_demand_list(struct http_req *req, struct http_res *res);
enum qerr api_demand_create(struct http_req *req, struct http_res *res);
enum qerr api_demand_get(struct http_req *req, struct http_res *res);
enum qerr api_demand_update(struct http_req *req, struct http_res *res);
enum qerr api_demand_cancel(struct http_req *req, struct http_res *res);
enum qerr api_demands_import(struct http_req *req, struct http_res *res);
enum qerr api_demands_export(struct http_req *req, struct http_res *res);
enum qerr api_subscription_list(struct http_req *req, struct http_res *res);
enum qerr api_subscription_create(struct http_req *req, struct http_res *res);
enum qerr api_subscription_delete(struct http_req *req, struct http_res *res);
enum qerr api_inbox_list(struct http_req *req, struct http_res *res);
enum qerr api_inbox_count(struct http_req *req, struct http_res *res);
enum qerr api_inbox_read(struct http_req *req, struct http_res *res);
enum qerr api_inbox_read_all(struct http_req *req, struct http_res *res);

#endif
