/*
 * oms-order: customer care on orders: show one order or one customer's
 * orders, and a customer's store credit; cancel, hold, unhold, re-address,
 * reduce, re-prioritise, add a line, raise a quantity, swap a line's item
 * or change its method, adjust a price, spend store credit: one change
 * from the command line or a stream of them; and expire-backorders, the
 * stale-backorder policy of each channel.  See oms-order(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "order.h"
#include "outfile.h"
#include "output.h"
#include "parse.h"

enum {
	OPT_BY = OPT_CMD, OPT_REASON, OPT_REJECTS, OPT_PRICE, OPT_DISCOUNT, OPT_NODE, OPT_NOW,
	OPT_CODE, OPT_TENDER, OPT_REF,
	OPT_SHIP		/* OPT_SHIP + i: the ship_* column OC_SNAME + i */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-order [-hqv] [--busy-timeout ms] [--db path] [--format format]\n"
	    "                 [-o file] [--safe-csv] show order\n"
	    "       oms-order [-hqv] [--busy-timeout ms] [--db path] [--format format]\n"
	    "                 [-o file] [--safe-csv] customer customer\n"
	    "       oms-order [-hqv] [--busy-timeout ms] [--db path] [--format format]\n"
	    "                 [-o file] [--safe-csv] credit customer\n"
	    "       oms-order [-hqv] [--busy-timeout ms] [--by name] [--db path] [--dry-run]\n"
	    "                 [--reason text] [--ref ref] change order ...\n"
	    "       oms-order [-hqv] [--busy-timeout ms] [--by name] [--db path] [--dry-run]\n"
	    "                 [--input-format format] [--reason text] [--rejects file]\n"
	    "                 change [-] | apply [file ...]\n"
	    "       oms-order [-hqv] [--busy-timeout ms] [--by name] [--db path] [--dry-run]\n"
	    "                 [--now time] [--reason text] expire-backorders\n"
	    "       oms-order --version\n"
	    "change: cancel order [line [qty]] [--tender tender]\n"
	    "        hold order type | unhold order type\n"
	    "        reduce order line qty | raise order line qty\n"
	    "        priority order n\n"
	    "        add order sku qty [--price price] [--discount amount]\n"
	    "        swap order line sku [--price price]\n"
	    "        method order line method [--node node]\n"
	    "        adjust order [line] amount|pct%% --code code [--tender tender]\n"
	    "        spend customer amount order\n"
	    "        address order [--ship-name text] [--ship-address1 text]\n"
	    "                [--ship-city text] [--ship-region text]\n"
	    "                [--ship-postal-code code] [--ship-country code]\n"
	    "                [--ship-lat lat --ship-lon lon]\n"
	    "type: fraud, payment, address, customer, sourcing\n"
	    "method: ship, pickup, curbside, locker\n"
	    "tender: original (the default), store_credit\n");
}

static int
usage_error(const char *msg)
{
	diag_error("%s", msg);
	usage(stderr);
	return EX_USAGE;
}

/* The operands each change takes after its order: at least, at most. */
static const struct {
	int min, max;
	int cols[2];
} operands[ACT_COUNT] = {
	[ACT_CANCEL] = { 0, 2, { OC_LINE, OC_QTY } },
	[ACT_HOLD] = { 1, 1, { OC_HOLD } },
	[ACT_UNHOLD] = { 1, 1, { OC_HOLD } },
	[ACT_ADDRESS] = { 0, 0, { 0 } },
	[ACT_REDUCE] = { 2, 2, { OC_LINE, OC_QTY } },
	[ACT_PRIORITY] = { 1, 1, { OC_PRIORITY } },
	[ACT_ADD] = { 2, 2, { OC_SKU, OC_QTY } },
	[ACT_RAISE] = { 2, 2, { OC_LINE, OC_QTY } },
	[ACT_SWAP] = { 2, 2, { OC_LINE, OC_SKU } },
	[ACT_METHOD] = { 2, 2, { OC_LINE, OC_METHOD } },
	[ACT_ADJUST] = { 1, 2, { OC_LINE, OC_AMOUNT } },	/* one: the amount */
	[ACT_SPEND] = { 2, 2, { OC_AMOUNT, OC_ORDER } },	/* after the customer */
};

/*
 * A change: one from the command line (vals), or a stream of them
 * (files); or the stale-backorder policy (expire).
 */
struct job {
	const struct order_opts *o;
	const char *const *vals;	/* NULL: a stream */
	int nfiles;
	char **files;
	int expire;
	const char *now;	/* expire: as of this time (NULL: the run's) */
};

/* The changes; counts for the run log, line for the note (cli_run). */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	const struct job *j = arg;
	struct order_counts n;
	int status;

	memset(&n, 0, sizeof n);
	if (j->expire)
		status = order_expire_backorders(st, j->o, j->now ? j->now : store_run_time(st),
		    &n);
	else if (j->vals != NULL)
		status = order_change(st, j->o, j->vals, &n);
	else
		status = order_change_files(st, j->o, j->nfiles, j->files, &n);
	order_summary(&n, line, counts);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "by", required_argument, NULL, OPT_BY },
		{ "code", required_argument, NULL, OPT_CODE },
		{ "discount", required_argument, NULL, OPT_DISCOUNT },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "price", required_argument, NULL, OPT_PRICE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "ship-address1", required_argument, NULL, OPT_SHIP + OC_SADDR - OC_SNAME },
		{ "ship-city", required_argument, NULL, OPT_SHIP + OC_SCITY - OC_SNAME },
		{ "ship-country", required_argument, NULL, OPT_SHIP + OC_SCOUNTRY - OC_SNAME },
		{ "ship-lat", required_argument, NULL, OPT_SHIP + OC_SLAT - OC_SNAME },
		{ "ship-lon", required_argument, NULL, OPT_SHIP + OC_SLON - OC_SNAME },
		{ "ship-name", required_argument, NULL, OPT_SHIP },
		{ "ship-postal-code", required_argument, NULL, OPT_SHIP + OC_SPOSTAL - OC_SNAME },
		{ "ship-region", required_argument, NULL, OPT_SHIP + OC_SREGION - OC_SNAME },
		{ "tender", required_argument, NULL, OPT_TENDER },
		{ NULL, 0, NULL, 0 }
	};
	const char *vals[OC_COUNT];
	struct order_opts o = { .action = -1, .reason = "" };
	struct job j = { .o = &o };
	struct cli_job job = { .run = run, .arg = &j };
	struct outfile out;
	struct store *st;
	struct cli c;
	const char *cmd;
	char now[21];
	int ch, i, status, nops, ship_given = 0, money_given = 0, change_opts = 0, view, stream;

	for (i = 0; i < OC_COUNT; i++)
		vals[i] = "";
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_BY:
			o.by = optarg;
			change_opts = 1;
			break;
		case OPT_REASON:
			o.reason = optarg;
			change_opts = 1;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_PRICE:
			vals[OC_PRICE] = optarg;
			money_given = 1;
			break;
		case OPT_DISCOUNT:
			vals[OC_DISCOUNT] = optarg;
			money_given = 1;
			break;
		case OPT_NODE:
			vals[OC_PICKUP] = optarg;
			break;
		case OPT_CODE:
			vals[OC_CODE] = optarg;
			break;
		case OPT_REF:
			vals[OC_REF] = optarg;
			break;
		case OPT_TENDER:
			o.tender = optarg;
			change_opts = 1;
			break;
		case OPT_NOW:
			if (parse_time(optarg, now) != PARSE_OK) {
				diag_error("--now must be an ISO 8601 date or time like 2026-11-27 or "
				    "2026-11-27T14:30:00Z, got \"%s\"", quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			j.now = now;
			break;
		default:
			if (ch >= OPT_SHIP && ch <= OPT_SHIP + OC_SLON - OC_SNAME) {
				vals[OC_SNAME + ch - OPT_SHIP] = optarg;
				ship_given = 1;
				break;
			}
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage_error("what to do? (show, customer, credit, cancel, hold, unhold, "
		    "address, reduce, priority, add, raise, swap, method, adjust, spend, apply, "
		    "expire-backorders)");
	cmd = argv[0];
	nops = argc - 1;
	if (strcmp(cmd, "expire-backorders") == 0) {
		if (nops > 0)
			return usage_error("expire-backorders takes no operand: it looks at every "
			    "backordered line");
		if (c.format_given || c.output || c.safe_csv || c.input_format != INFMT_AUTO ||
		    o.rejects || ship_given || money_given || vals[OC_PICKUP][0] != '\0' ||
		    vals[OC_CODE][0] != '\0' || o.tender != NULL || vals[OC_REF][0] != '\0')
			return usage_error("expire-backorders takes --by, --reason, --now and "
			    "--dry-run only");
		j.expire = 1;
		if (o.reason[0] == '\0')
			o.reason = "backorder expired";
		if (o.by == NULL)
			o.by = order_login_name();
		return cli_run(&c, &job);
	}
	if (j.now != NULL)
		return usage_error("--now is for expire-backorders");
	view = strcmp(cmd, "show") == 0 || strcmp(cmd, "customer") == 0 ||
	    strcmp(cmd, "credit") == 0;
	if (!view && strcmp(cmd, "apply") != 0 && (o.action = order_action_parse(cmd)) < 0) {
		diag_error("unknown command \"%s\"", cmd);
		usage(stderr);
		return EX_USAGE;
	}

	if (view) {
		if (nops != 1)
			return usage_error(nops ? "one order or customer at a time" :
			    "which one? (an order id, or a customer id)");
		if (c.dry_run || c.input_format != INFMT_AUTO || o.rejects || change_opts ||
		    ship_given || money_given || vals[OC_PICKUP][0] != '\0' ||
		    vals[OC_CODE][0] != '\0' || vals[OC_REF][0] != '\0')
			return usage_error("show, customer and credit only read: --dry-run, "
			    "--input-format, --rejects, --by, --reason, --tender, --code, --ref, "
			    "--ship-*, --price, --discount and --node do not apply");
		if ((status = store_open(&st, c.db, c.busy_ms, 1)) != 0)
			return status;
		if ((status = outfile_open(&out, c.output)) != 0) {
			store_close(st);
			return status;
		}
		i = !c.format_given || c.format == OUTFMT_JSON;
		status = cmd[0] == 's' ? order_show(st, argv[1], i, c.format, c.safe_csv, out.fp) :
		    cmd[1] == 'u' ? order_customer(st, argv[1], i, c.format, c.safe_csv, out.fp) :
		    order_credit(st, argv[1], c.format, c.safe_csv, out.fp);
		store_close(st);
		ch = outfile_close(&out, status == 0);
		return status ? status : ch;
	}

	if (c.format_given || c.output || c.safe_csv)
		return usage_error("changes write no records: --format, -o and --safe-csv do not "
		    "apply (see oms-order show)");
	/* a stream: apply [file ...], or a change with no order (or "-") */
	stream = o.action < 0 || nops == 0 || (nops == 1 && strcmp(argv[1], "-") == 0);
	if (stream && ship_given)
		return usage_error("--ship-* are for one address change on the command line; "
		    "a stream gives ship_* columns");
	if (stream && money_given)
		return usage_error("--price and --discount are for one add or swap on the command "
		    "line; a stream gives unit_price and discount columns");
	if (stream && vals[OC_PICKUP][0] != '\0')
		return usage_error("--node is for one method change on the command line; a "
		    "stream gives a pickup_node column");
	if (stream && vals[OC_CODE][0] != '\0')
		return usage_error("--code is for one adjust on the command line; a stream gives "
		    "a code column");
	if (stream && vals[OC_REF][0] != '\0')
		return usage_error("--ref is for one change on the command line; a stream gives "
		    "a ref column");
	if (o.tender != NULL && o.action >= 0 && o.action != ACT_CANCEL &&
	    o.action != ACT_ADJUST)
		return usage_error("--tender is for cancel and adjust (and a stream of changes)");
	if (!stream && (o.rejects || c.input_format != INFMT_AUTO))
		return usage_error("--rejects and --input-format are for a stream of changes");
	if (!stream) {
		if (nops - 1 < operands[o.action].min || nops - 1 > operands[o.action].max) {
			diag_error("%s takes %s", cmd, o.action == ACT_CANCEL ? "order [line [qty]]" :
			    o.action == ACT_REDUCE || o.action == ACT_RAISE ? "order line qty" :
			    o.action == ACT_ADD ? "order sku qty" :
			    o.action == ACT_SWAP ? "order line sku" :
			    o.action == ACT_METHOD ? "order line method" :
			    o.action == ACT_ADJUST ? "order [line] amount|pct% --code code" :
			    o.action == ACT_SPEND ? "customer amount order" :
			    o.action == ACT_PRIORITY ? "order priority" :
			    o.action == ACT_ADDRESS ? "order and --ship-* options" : "order type");
			usage(stderr);
			return EX_USAGE;
		}
		if (ship_given && o.action != ACT_ADDRESS)
			return usage_error("--ship-* are for address");
		if (vals[OC_PRICE][0] != '\0' && o.action != ACT_ADD && o.action != ACT_SWAP)
			return usage_error("--price is for add and swap");
		if (vals[OC_DISCOUNT][0] != '\0' && o.action != ACT_ADD)
			return usage_error("--discount is for add");
		if (vals[OC_PICKUP][0] != '\0' && o.action != ACT_METHOD)
			return usage_error("--node is for method");
		if (vals[OC_CODE][0] != '\0' && o.action != ACT_ADJUST)
			return usage_error("--code is for adjust");
		/* spend names the customer first; the order it paid for is last */
		vals[o.action == ACT_SPEND ? OC_CUSTOMER : OC_ORDER] = argv[1];
		vals[OC_ACTION] = cmd;
		for (i = 2; i < argc; i++)
			vals[operands[o.action].cols[i - 2]] = argv[i];
		if (o.action == ACT_ADJUST && argc == 3) {	/* adjust order amount */
			vals[OC_AMOUNT] = vals[OC_LINE];
			vals[OC_LINE] = "";
		}
	}
	if (o.by == NULL)
		o.by = order_login_name();
	o.input_format = c.input_format;

	if (!stream)
		j.vals = vals;
	else
		j.files = cli_files(o.action < 0 ? nops : 0, argv + 1, &j.nfiles);
	return cli_run(&c, &job);
}
