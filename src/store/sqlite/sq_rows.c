/* sq_rows — the tables that read each row type of sq_rows.h into its struct, made from the
 * row type's one list of columns. */
#include "store/sqlite/sq_rows.h"

/* an entry of a table: column i of the list into its field of ROW_T */
#define SQ_ENTRY(kind, field, sql) SQ_COL_##kind(ROW_T, field),
#define SQ_TABLE(ROW)                                                                              \
	{                                                                                          \
		ROW(SQ_ENTRY, SQ_ENTRY)                                                            \
	}

#define ROW_T struct alert
static const struct sq_col alert_cols[] = SQ_TABLE(SQ_ALERT_ROW);
#undef ROW_T
const struct sq_rowtype sq_alert_rows = SQ_ROWTYPE(struct alert, alert_cols, NULL);

#define ROW_T struct service
static const struct sq_col service_cols[] = SQ_TABLE(SQ_SERVICE_ROW);
#undef ROW_T
const struct sq_rowtype sq_service_rows = SQ_ROWTYPE(struct service, service_cols, NULL);

#define ROW_T struct area
static const struct sq_col area_cols[] = SQ_TABLE(SQ_AREA_ROW);
#undef ROW_T
const struct sq_rowtype sq_area_rows = SQ_ROWTYPE(struct area, area_cols, NULL);

#define ROW_T struct import_job
static const struct sq_col job_cols[] = SQ_TABLE(SQ_JOB_ROW);
#undef ROW_T
const struct sq_rowtype sq_job_rows = SQ_ROWTYPE(struct import_job, job_cols, NULL);

#define ROW_T struct person
static const struct sq_col person_cols[] = SQ_TABLE(SQ_PERSON_ROW);
#undef ROW_T
const struct sq_rowtype sq_person_rows = SQ_ROWTYPE(struct person, person_cols, NULL);

#define ROW_T struct task
static const struct sq_col task_cols[] = SQ_TABLE(SQ_TASK_ROW);
#undef ROW_T
const struct sq_rowtype sq_task_rows = SQ_ROWTYPE(struct task, task_cols, NULL);

#define ROW_T struct user
static const struct sq_col user_cols[] = SQ_TABLE(SQ_USER_ROW);
#undef ROW_T
enum { ROLE_COL = sizeof user_cols / sizeof user_cols[0] };

/* The role after the table's columns, and the password hash when the query selects it
 * after the role. */
static void read_user(const struct sq_cur *k, struct arena *a, void *out)
{
	struct user *u = out;

	u->role = role_parse(sq_col(k, ROLE_COL, NULL));
	if (sq_ncols(k) > ROLE_COL + 1)
		u->password_hash = sq_text(a, k, ROLE_COL + 1);
}
const struct sq_rowtype sq_user_rows = SQ_ROWTYPE(struct user, user_cols, read_user);

#define ROW_T struct visit
static const struct sq_col visit_cols[] = SQ_TABLE(SQ_VISIT_ROW);
#undef ROW_T
const struct sq_rowtype sq_visit_rows = SQ_ROWTYPE(struct visit, visit_cols, NULL);

#define ROW_T struct observation
static const struct sq_col obs_cols[] = SQ_TABLE(SQ_OBS_ROW);
#undef ROW_T
const struct sq_rowtype sq_obs_rows = SQ_ROWTYPE(struct observation, obs_cols, NULL);

#define ROW_T struct audit_row
static const struct sq_col audit_cols[] = SQ_TABLE(SQ_AUDIT_ROW);
#undef ROW_T
const struct sq_rowtype sq_audit_rows = SQ_ROWTYPE(struct audit_row, audit_cols, NULL);

#define ROW_T struct import_issue
static const struct sq_col issue_cols[] = SQ_TABLE(SQ_ISSUE_ROW);
#undef ROW_T
const struct sq_rowtype sq_issue_rows = SQ_ROWTYPE(struct import_issue, issue_cols, NULL);

#define ROW_T struct travel
static const struct sq_col travel_cols[] = SQ_TABLE(SQ_TRAVEL_ROW);
#undef ROW_T
const struct sq_rowtype sq_travel_rows = SQ_ROWTYPE(struct travel, travel_cols, NULL);

#define ROW_T struct person_event
static const struct sq_col event_cols[] = SQ_TABLE(SQ_EVENT_ROW);
#undef ROW_T
const struct sq_rowtype sq_event_rows = SQ_ROWTYPE(struct person_event, event_cols, NULL);

#define ROW_T struct outcome
static const struct sq_col outcome_cols[] = SQ_TABLE(SQ_OUTCOME_ROW);
#undef ROW_T
const struct sq_rowtype sq_outcome_rows = SQ_ROWTYPE(struct outcome, outcome_cols, NULL);

#define ROW_T struct key_area
static const struct sq_col key_area_cols[] = SQ_TABLE(SQ_KEY_AREA_ROW);
#undef ROW_T
const struct sq_rowtype sq_key_area_rows = SQ_ROWTYPE(struct key_area, key_area_cols, NULL);

#define ROW_T struct grid_rule_row
static const struct sq_col grid_rule_cols[] = SQ_TABLE(SQ_GRID_RULE_ROW);
#undef ROW_T
const struct sq_rowtype sq_grid_rule_rows = SQ_ROWTYPE(struct grid_rule_row, grid_rule_cols, NULL);

#define ROW_T struct checkpoint
static const struct sq_col checkpoint_cols[] = SQ_TABLE(SQ_CHECKPOINT_ROW);
#undef ROW_T
const struct sq_rowtype sq_checkpoint_rows = SQ_ROWTYPE(struct checkpoint, checkpoint_cols, NULL);

#define ROW_T struct passage
static const struct sq_col passage_cols[] = SQ_TABLE(SQ_PASSAGE_ROW);
#undef ROW_T
const struct sq_rowtype sq_passage_rows = SQ_ROWTYPE(struct passage, passage_cols, NULL);

#define ROW_T struct passage_person
static const struct sq_col passage_person_cols[] = SQ_TABLE(SQ_PASSAGE_PERSON_ROW);
#undef ROW_T
const struct sq_rowtype sq_passage_person_rows =
	SQ_ROWTYPE(struct passage_person, passage_person_cols, NULL);
