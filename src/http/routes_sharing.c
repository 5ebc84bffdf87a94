/*
 * routes_sharing.c - the innovation chain's shared resources and bookings
 * (api_sharing*.c; docs/sharing.md). Banks neither open nor book
 * resources; the calendar feed is read anonymously with its secret token.
 */
#include "http/api_sharing.h"
#include "sharing/booking.h"
#include "sharing/resource.h"

#define WHO_SHARERS (WHO_WRITERS | WHO_ORG(ORG_PROVIDER))

static const struct http_qparam q_catalogue[] = {
	{"type", "string", "instrument|equipment|test_site|rd_service|design_service|brand_licence"},
	{"region", "string", "GB/T 2260 code or 2/4-digit prefix (苏州: 3205)"},
	{"q", "string", "words, matched as the market matches (电机 finds 永磁同步电机, not 电视机)"},
	{"hours", "integer", "only resources with this many consecutive bookable hours in from..to"},
	{"from", "string", "first Shanghai date of the free-window search, YYYY-MM-DD (default today)"},
	{"to", "string", "last Shanghai date, YYYY-MM-DD (default from + 6)"},
	{"units", "integer", "units wanted in the window (default 1)"},
	{"mine", "integer", "1: only the caller's organisation's resources (withdrawn included)"},
	{"limit", "integer", "page size, 1-200 (default 20)"},
	{"cursor", "string", "next_cursor of the previous page"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_availability[] = {
	{"from", "string", "first Shanghai date, YYYY-MM-DD (default today)"},
	{"days", "integer", "days, 1-31 (default 7)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_range[] = {
	{"from", "string", "first Shanghai date, YYYY-MM-DD (required)"},
	{"to", "string", "last Shanghai date, YYYY-MM-DD (required; at most 366 days)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_owner_range[] = {
	{"from", "string", "first Shanghai date, YYYY-MM-DD (required)"},
	{"to", "string", "last Shanghai date, YYYY-MM-DD (required; at most 366 days)"},
	{"org_id", "integer", "operator: the owning organisation (default the caller's)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_feed[] = {
	{"token", "string", "the resource's secret feed token (feed_url of the resource, owner only)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_bookings[] = {
	{"role", "string", "booker (the caller's bookings, default) or owner (bookings of the caller's resources)"},
	{"state", "string",
	 "requested|approved|rejected|cancelled|checked_in|completed|no_show|expired|waitlisted|offered"},
	{"resource", "integer", "only this resource's"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};

/* In matching order: a literal segment before a {parameter} at the same place. */
static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/resources", .who = WHO_USERS, .fn = api_sharing_resource_list,
	 .tag = "sharing",
	 .summary = "Shared resources (共享资源): by type, region, words and a free window (\"8 hours next week near 苏州\")",
	 .query = q_catalogue},
	{.method = "POST", .pattern = "/api/v1/resources", .who = WHO_SHARERS, .fn = api_sharing_resource_create,
	 .tag = "sharing", .summary = "Open a resource for the caller's organisation (the operator: for any)",
	 .body = sharing_resource_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/resources/{id}", .who = WHO_USERS, .fn = api_sharing_resource_get,
	 .tag = "sharing", .summary = "One resource; the owner also sees invited_orgs and feed_url"},
	{.method = "PATCH", .pattern = "/api/v1/resources/{id}", .who = WHO_SHARERS, .fn = api_sharing_resource_update,
	 .tag = "sharing",
	 .summary = "Change a resource (owner or operator); capacity below what bookings hold is 409 capacity_in_use",
	 .body = sharing_resource_patch_fields},
	{.method = "GET", .pattern = "/api/v1/resources/{id}/availability", .who = WHO_USERS,
	 .fn = api_sharing_availability, .tag = "sharing",
	 .summary = "Week calendar: every 30-minute slot open or not, units held and free", .query = q_availability},
	{.method = "POST", .pattern = "/api/v1/resources/{id}/bookings", .who = WHO_SHARERS, .fn = api_sharing_book,
	 .tag = "sharing",
	 .summary = "Request a window (once or weekly, all or none; or join the waitlist); refusals name the rule",
	 .body = sharing_booking_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/resources/{id}/utilisation", .who = WHO_SHARERS,
	 .fn = api_sharing_utilisation_resource, .tag = "sharing",
	 .summary = "Booked and used hours against open hours, revenue, SMEs served and the SME share (owner or operator)",
	 .query = q_range},
	{.method = "POST", .pattern = "/api/v1/resources/{id}/feed-token", .who = WHO_SHARERS,
	 .fn = api_sharing_feed_rotate, .tag = "sharing",
	 .summary = "Rotate the secret token of the calendar feed (owner or operator); the old URL stops working"},
	{.method = "GET", .pattern = "/api/v1/resources/{id}/calendar.ics", .who = WHO_ANY, .fn = api_sharing_calendar,
	 .tag = "sharing", .summary = "The resource's bookings as iCalendar (RFC 5545), read with the feed token",
	 .query = q_feed, .ok_type = "text/calendar"},
	{.method = "GET", .pattern = "/api/v1/sharing/utilisation", .who = WHO_SHARERS,
	 .fn = api_sharing_utilisation_owner, .tag = "sharing",
	 .summary = "Utilisation of every resource of an owner, with totals and days", .query = q_owner_range},
	{.method = "POST", .pattern = "/api/v1/sharing/maintain", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_sharing_maintain, .tag = "sharing",
	 .summary = "Run the maintenance pass now: no-shows, expired requests and offers, waitlist offers"},
	{.method = "GET", .pattern = "/api/v1/bookings", .who = WHO_SHARERS, .fn = api_sharing_booking_list,
	 .tag = "sharing", .summary = "The caller's bookings, or (role=owner) the bookings of its resources: the approval queue",
	 .query = q_bookings},
	{.method = "GET", .pattern = "/api/v1/bookings/{id}", .who = WHO_SHARERS, .fn = api_sharing_booking_get,
	 .tag = "sharing", .summary = "One booking (its booker, the resource's owner or the operator)"},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/approve", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_approve, .tag = "sharing",
	 .summary = "requested -> approved (owner), re-checking every rule and the capacity",
	 .body = sharing_booking_action_fields},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/reject", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_reject, .tag = "sharing", .summary = "requested -> rejected with a reason (owner)",
	 .body = sharing_booking_action_fields},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/cancel", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_cancel, .tag = "sharing",
	 .summary = "Cancel (the booker before the start, or the owner); frees the units for the waitlist",
	 .body = sharing_booking_action_fields},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/check-in", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_check_in, .tag = "sharing",
	 .summary = "approved -> checked_in (owner), from 30 minutes before the start until the no-show time",
	 .body = sharing_booking_action_fields},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/complete", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_complete, .tag = "sharing",
	 .summary = "checked_in -> completed with used_minutes (owner): the bill is price × used hours × units",
	 .body = sharing_booking_action_fields},
	{.method = "POST", .pattern = "/api/v1/bookings/{id}/confirm", .who = WHO_SHARERS,
	 .fn = api_sharing_booking_confirm, .tag = "sharing",
	 .summary = "Accept a waitlist offer (booker) before it expires: offered -> requested or approved",
	 .body = sharing_booking_action_fields},
};

const struct http_route_table http_routes_sharing = {
	.name = "sharing",
	.order = 70,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
