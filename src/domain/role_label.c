/*
 * role_label — one table: each role with the names a county office writes for it. The
 * first Chinese name is the console's label (web/src/i18n/zh-CN.js); the others are what
 * people also type. Matching is exact after trimming spaces, ASCII case folded.
 */
#include "domain/role_label.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct {
	enum role role;
	const char *zh[3]; /* the label first; NULL ends the list */
	const char *en;
} labels[] = {
	{ROLE_ADMIN, {"系统管理员", "管理员", NULL}, "administrator"},
	{ROLE_COMMANDER, {"指挥部", "指挥长", "指挥员"}, "commander"},
	{ROLE_CADRE, {"村组干部", "村干部", "干部"}, "cadre"},
	{ROLE_GRID_WORKER, {"网格员", NULL, NULL}, "grid worker"},
	{ROLE_DOCTOR, {"社区医生", "医生", "乡村医生"}, "doctor"},
	{ROLE_SOCIAL_WORKER, {"社工", "社会工作者", NULL}, "social worker"},
	{ROLE_CHECKPOINT_STAFF, {"卡口执勤", "卡口", "卡口人员"}, "checkpoint staff"},
	{ROLE_GATE_GUARD, {"门岗值守", "门岗", "门卫"}, "gate guard"},
	{ROLE_VIEWER, {"查看者", "只读", NULL}, "viewer"},
};

const char *role_label_zh(enum role role)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (labels[i].role == role)
			return labels[i].zh[0];
	return "";
}

enum role role_from_label(const char *cell)
{
	char s[64];
	size_t n;
	enum role r;

	if (!cell)
		return ROLE_NONE;
	while (*cell == ' ')
		cell++;
	n = strlen(cell);
	while (n && cell[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof s)
		return ROLE_NONE;
	memcpy(s, cell, n);
	s[n] = '\0';
	if ((r = role_parse(s)) != ROLE_NONE)
		return r;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (!strcasecmp(s, labels[i].en))
			return labels[i].role;
		for (size_t k = 0; k < 3 && labels[i].zh[k]; k++)
			if (!strcmp(s, labels[i].zh[k]))
				return labels[i].role;
	}
	return ROLE_NONE;
}
