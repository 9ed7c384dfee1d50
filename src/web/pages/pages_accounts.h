/* pages_accounts.h - handlers of this area (see pages.h, routes_accounts.inc):
 * registering, logging in and out, resetting a forgotten password (accounts.c)
 * and the dashboard after login (dashboard.c). */
#ifndef YC_PAGES_ACCOUNTS_H
#define YC_PAGES_ACCOUNTS_H

#include "web/http.h"

void page_register(struct request *rq, struct response *rs);
void page_register_post(struct request *rq, struct response *rs);
void page_login(struct request *rq, struct response *rs);
void page_login_post(struct request *rq, struct response *rs);
void page_logout_post(struct request *rq, struct response *rs);
void page_forgot(struct request *rq, struct response *rs);
void page_forgot_post(struct request *rq, struct response *rs);
void page_reset(struct request *rq, struct response *rs);
void page_reset_post(struct request *rq, struct response *rs);
void page_dashboard(struct request *rq, struct response *rs);

#endif
