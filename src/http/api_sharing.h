/*
 * api_sharing.h - HTTP handlers of the shared resources and their bookings
 * (src/sharing; routes in routes_sharing.c). Who may do what is decided in
 * src/sharing; these only translate.
 */
#ifndef QILIAN_API_SHARING_H
#define QILIAN_API_SHARING_H
#include "http/api.h"

/* Resources, the catalogue, availability, the feed (api_sharing.c). */
enum qerr api_sharing_resource_list(struct http_req *req, struct http_res *res);
enum qerr api_sharing_resource_create(struct http_req *req, struct http_res *res);
enum qerr api_sharing_resource_get(struct http_req *req, struct http_res *res);
enum qerr api_sharing_resource_update(struct http_req *req, struct http_res *res);
enum qerr api_sharing_availability(struct http_req *req, struct http_res *res);
enum qerr api_sharing_feed_rotate(struct http_req *req, struct http_res *res);
enum qerr api_sharing_calendar(struct http_req *req, struct http_res *res);
enum qerr api_sharing_utilisation_resource(struct http_req *req, struct http_res *res);
enum qerr api_sharing_utilisation_owner(struct http_req *req, struct http_res *res);

/* Bookings (api_sharing_booking.c). */
enum qerr api_sharing_book(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_list(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_get(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_approve(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_reject(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_cancel(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_check_in(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_complete(struct http_req *req, struct http_res *res);
enum qerr api_sharing_booking_confirm(struct http_req *req, struct http_res *res);
enum qerr api_sharing_maintain(struct http_req *req, struct http_res *res);

#endif
