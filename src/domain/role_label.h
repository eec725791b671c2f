/*
 * role_label — the Chinese names of roles as the console shows them, and the role a
 * spreadsheet cell names (an account import: "网格员", "grid_worker", "Grid worker").
 *
 * Ownership: pure. Returned names are static strings.
 */
#ifndef FANGKONG_DOMAIN_ROLE_LABEL_H
#define FANGKONG_DOMAIN_ROLE_LABEL_H

#include "domain/account.h"

/* "网格员", "社区医生", …, as web/src/i18n/zh-CN.js labels them; "" for ROLE_NONE. */
const char *role_label_zh(enum role role);

/* The role a cell names: its code (role_parse), its Chinese label, a known other name of
 * it ("指挥长", "医生", "卡口"), or its English label in any case ("grid worker"); spaces
 * around are ignored. ROLE_NONE for anything else, NULL and "". */
enum role role_from_label(const char *cell);

#endif
