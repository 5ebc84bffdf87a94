/*
 * api_finance.h - supply-chain finance's HTTP handlers (routes_finance.c;
 * api_finance.c: writes, api_finance_read.c: reads and the ledger). Internal
 * to src/http.
 */
#ifndef QILIAN_API_FINANCE_H
#define QILIAN_API_FINANCE_H
#include "http/api.h"

/* Writes: each takes a required Idempotency-Key (api_finance.c). */
enum qerr api_finance_issue(struct http_req *req, struct http_res *res);
enum qerr api_finance_accept(struct http_req *req, struct http_res *res);
enum qerr api_finance_refuse(struct http_req *req, struct http_res *res);
enum qerr api_finance_settle(struct http_req *req, struct http_res *res);
enum qerr api_finance_split(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfer(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfer_accept(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfer_refuse(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfer_cancel(struct http_req *req, struct http_res *res);
enum qerr api_finance_discount_apply(struct http_req *req, struct http_res *res);
enum qerr api_finance_discount_approve(struct http_req *req, struct http_res *res);
enum qerr api_finance_discount_reject(struct http_req *req, struct http_res *res);
enum qerr api_finance_discount_withdraw(struct http_req *req, struct http_res *res);
enum qerr api_finance_limit_set(struct http_req *req, struct http_res *res);
enum qerr api_finance_settings_set(struct http_req *req, struct http_res *res);
enum qerr api_finance_sweep(struct http_req *req, struct http_res *res);

/* Reads (api_finance_read.c). */
enum qerr api_finance_certificates(struct http_req *req, struct http_res *res);
enum qerr api_finance_certificate(struct http_req *req, struct http_res *res);
enum qerr api_finance_pieces(struct http_req *req, struct http_res *res);
enum qerr api_finance_piece(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfers(struct http_req *req, struct http_res *res);
enum qerr api_finance_transfer_get(struct http_req *req, struct http_res *res);
enum qerr api_finance_discounts(struct http_req *req, struct http_res *res);
enum qerr api_finance_discount(struct http_req *req, struct http_res *res);
enum qerr api_finance_banks(struct http_req *req, struct http_res *res);
enum qerr api_finance_interest(struct http_req *req, struct http_res *res);
enum qerr api_finance_limits(struct http_req *req, struct http_res *res);
enum qerr api_finance_wallet(struct http_req *req, struct http_res *res);
enum qerr api_finance_overview(struct http_req *req, struct http_res *res);
enum qerr api_finance_settings(struct http_req *req, struct http_res *res);
enum qerr api_ledger_balances(struct http_req *req, struct http_res *res);
enum qerr api_ledger_statement(struct http_req *req, struct http_res *res);

#endif
