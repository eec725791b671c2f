/* svc_report — the daily report's use cases. The counts it reads are kept by the use cases
 * that write the records (a task pushed, verified, forwarded or moved; an observation
 * begun or ended; a fever alert raised or referred; a service request made or delivered),
 * each through svc_report_add in its own transaction, by the report day of the record's
 * moment under the county's cut-offs (domain/report.h). */
#include "service/service.h"

enum store_status svc_report_add(struct store_tx *tx, enum report_metric m, const char *area,
				 int64_t at, int64_t delta)
{
	struct arena *a;
	struct report_cutoff *cut;
	size_t n;
	enum store_status ss;

	if (!delta)
		return STORE_OK;
	a = arena_new();
	if ((ss = store_tx_report_cutoffs(tx, a, &cut, &n)) == STORE_OK)
		ss = store_tx_report_count_add(tx, report_metric_name(m), report_day(cut, n, at),
					       area, delta);
	arena_free(a);
	return ss;
}
