/*
 * api_market.h - the market's HTTP handlers (routes_market.c): RFQ, quotes,
 * orders, scorecards and statistics (api_market_rfq.c), matching
 * (api_market_match.c), listings (api_market_listing.c) and subscriptions
 * (api_market_subscription.c). The inbox is the platform's (api_inbox.h).
 * Internal to src/http.
 */
#ifndef QILIAN_API_MARKET_H
#define QILIAN_API_MARKET_H
#include "http/api.h"

/* RFQ, quotes, orders, scorecards and statistics (api_market_rfq.c). */
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

/* Matching (api_market_match.c). */
enum qerr api_match_demand(struct http_req *req, struct http_res *res);
enum qerr api_match_supply(struct http_req *req, struct http_res *res);
enum qerr api_match_text(struct http_req *req, struct http_res *res);
enum qerr api_match_index(struct http_req *req, struct http_res *res);

/* Listings (api_market_listing.c). */
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

/* Subscriptions (api_market_subscription.c). */
enum qerr api_subscription_list(struct http_req *req, struct http_res *res);
enum qerr api_subscription_create(struct http_req *req, struct http_res *res);
enum qerr api_subscription_delete(struct http_req *req, struct http_res *res);

#endif
