/* context.c - how a command computes facts: mp.conf and its command line */
#include <string.h>

#include "facts/facts.h"

/* check_args - every address of the command line reads as one */
static int
check_args(MpAddrParser *ap, const MpFactsArgs *a, GError **err)
{
	guint i;
	int status = MP_OK;

	for (i = 0; a->envelope != NULL && a->envelope[i] != NULL &&
	    status == MP_OK; i++)
		status = mp_addr_check_arg(ap, "-r", a->envelope[i], err);
	/* "" is the null sender of a bounce */
	if (status == MP_OK && a->env_sender != NULL && *a->env_sender != '\0')
		status = mp_addr_check_arg(ap, "-f", a->env_sender, err);
	if (status == MP_OK)
		status = mp_addr_check_arg(ap, "--auth-user", a->auth_user, err);
	return status;
}

/* mp_facts_ctx_load - the command line over mp.conf */
int
mp_facts_ctx_load(MpFactsCtx *ctx, const MpConfig *cfg, MpAddrParser *ap,
    const MpFactsArgs *args, GError **err)
{
	char *time = args->time != NULL ? g_strdup(args->time) :
	    mp_config_string(cfg, "policy", "time", MP_FACTS_TIME_DEFAULT);
	char *holidays = mp_config_string(cfg, "policy", "holidays", NULL);
	int status;

	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->ap = ap;
	ctx->envelope = args->envelope;
	ctx->env_sender = args->env_sender;
	ctx->auth_user = args->auth_user;
	ctx->resent = mp_config_bool(cfg, "classify", "resent", FALSE);
	ctx->strip_tag = mp_config_bool(cfg, "policy", "strip-tag", FALSE);
	ctx->time = strcmp(time, "date") == 0 ? MP_TIME_DATE : MP_TIME_NOW;
	ctx->tz = mp_config_time_zone(cfg);
	g_free(time);
	status = check_args(ap, args, err);
	if (status == MP_OK && args->now != NULL &&
	    !mp_time_parse(args->now, ctx->tz, &ctx->now))
		status = mp_fail(err, EX_USAGE, "--now: not a time (like "
		    "2026-11-30T09:15:00+09:00 or \"2026-11-30 09:15\"): %s",
		    args->now);
	if (status == MP_OK && holidays != NULL)
		status = mp_holidays_load(holidays, &ctx->holidays, err);
	if (status == MP_OK)
		status = mp_keywords_load(cfg, &ctx->keywords, err);
	g_free(holidays);
	return status;
}

/* mp_facts_ctx_clear - release what the context owns */
void
mp_facts_ctx_clear(MpFactsCtx *ctx)
{
	if (ctx->tz != NULL)
		g_time_zone_unref(ctx->tz);
	if (ctx->holidays != NULL)
		g_hash_table_destroy(ctx->holidays);
	mp_keywords_free(ctx->keywords);
	memset(ctx, 0, sizeof(*ctx));
}
