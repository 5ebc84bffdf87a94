/*
 * api_innovation.h - the HTTP handlers of the innovation vouchers
 * (api_innovation_voucher.c) and the open challenges
 * (api_innovation_challenge.c); routes in routes_innovation.c. Rules and
 * authorisation are src/sharing's (voucher.h, challenge.h).
 */
#ifndef QILIAN_API_INNOVATION_H
#define QILIAN_API_INNOVATION_H
#include "http/api.h"

extern const struct jfield api_voucher_apply_fields[];

enum qerr api_voucher_list(struct http_req *req, struct http_res *res);
enum qerr api_voucher_issue(struct http_req *req, struct http_res *res);
enum qerr api_voucher_verify(struct http_req *req, struct http_res *res);
enum qerr api_voucher_get(struct http_req *req, struct http_res *res);
enum qerr api_voucher_preview(struct http_req *req, struct http_res *res);
enum qerr api_voucher_revoke(struct http_req *req, struct http_res *res);
enum qerr api_voucher_bookings(struct http_req *req, struct http_res *res);
enum qerr api_voucher_apply(struct http_req *req, struct http_res *res);
enum qerr api_voucher_applications(struct http_req *req, struct http_res *res);
enum qerr api_voucher_application(struct http_req *req, struct http_res *res);
enum qerr api_voucher_claim(struct http_req *req, struct http_res *res);
enum qerr api_voucher_approve(struct http_req *req, struct http_res *res);
enum qerr api_voucher_reject(struct http_req *req, struct http_res *res);
enum qerr api_voucher_booking(struct http_req *req, struct http_res *res);

enum qerr api_challenge_list(struct http_req *req, struct http_res *res);
enum qerr api_challenge_create(struct http_req *req, struct http_res *res);
enum qerr api_challenge_get(struct http_req *req, struct http_res *res);
enum qerr api_challenge_update(struct http_req *req, struct http_res *res);
enum qerr api_challenge_open(struct http_req *req, struct http_res *res);
enum qerr api_challenge_panel(struct http_req *req, struct http_res *res);
enum qerr api_challenge_register(struct http_req *req, struct http_res *res);
enum qerr api_challenge_questions(struct http_req *req, struct http_res *res);
enum qerr api_challenge_ask(struct http_req *req, struct http_res *res);
enum qerr api_challenge_answer(struct http_req *req, struct http_res *res);
enum qerr api_challenge_proposals(struct http_req *req, struct http_res *res);
enum qerr api_challenge_submit(struct http_req *req, struct http_res *res);
enum qerr api_challenge_verify_receipt(struct http_req *req, struct http_res *res);
enum qerr api_challenge_evaluate(struct http_req *req, struct http_res *res);
enum qerr api_challenge_evaluation(struct http_req *req, struct http_res *res);
enum qerr api_challenge_results(struct http_req *req, struct http_res *res);
enum qerr api_challenge_shortlist(struct http_req *req, struct http_res *res);
enum qerr api_challenge_award(struct http_req *req, struct http_res *res);
enum qerr api_challenge_milestone(struct http_req *req, struct http_res *res);
enum qerr api_challenge_suggestions(struct http_req *req, struct http_res *res);
enum qerr api_proposal_get(struct http_req *req, struct http_res *res);
enum qerr api_proposal_receipt(struct http_req *req, struct http_res *res);
enum qerr api_proposal_confirm(struct http_req *req, struct http_res *res);
enum qerr api_proposal_withdraw(struct http_req *req, struct http_res *res);
enum qerr api_proposal_declaration(struct http_req *req, struct http_res *res);
enum qerr api_proposal_scores(struct http_req *req, struct http_res *res);
enum qerr api_proposal_consent(struct http_req *req, struct http_res *res);

#endif
