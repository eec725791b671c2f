// 操作手册 — the in-app manual (ManualView.vue), as data: one section per role, each step with
// the page it happens on (`route`), the UI label it talks about (`label`, an i18n key, so the
// manual shows what the screen shows in the language chosen), and its text in zh-CN and en,
// where {label} stands for that label. `click` (optional) is what a user taps on the page
// before the label appears (a data-test selector).
//
// The browser test tests/e2e/help.test.mjs walks every step: signed in as the section's role
// it opens the step's route, taps `click` if any, and asserts the label is visible there. A
// page that loses or renames the button a step names fails that test — fix the step or the
// page, so the manual stays true. Route parameters (:village, :task, :observation) are filled
// by the test with records it makes; the manual page links only to routes without them.
import { fillLabels } from './guide.js';

export const MANUAL = [
  {
    id: 'setup',
    role: 'admin',
    title: { zh: '县级办公室：开通与设置', en: 'County office: setting up' },
    intro: {
      zh: '由县（市、区）指挥部的系统管理员在开始排查前完成一次。',
      en: 'Done once by the county command post\'s administrator before screening starts.',
    },
    steps: [
      {
        route: '/areas', label: 'nav.areas',
        zh: '打开{label}：全县的乡镇（街道）、村（社区）在初始化（fangkong init --county 代码）时已按国家统计局区划代码导入，不用手工录入。点击名称逐级进入。',
        en: 'Open {label}: every township and village of the county was loaded from the national division codes at setup (fangkong init --county CODE); nothing to type in. Click a name to go down a level.',
      },
      {
        route: '/areas/:village', label: 'area.newGrid',
        zh: '在一个村（社区）的页面点{label}，按网格员的片区各建一个网格（如“社渚村一网格”），填写责任人和电话（手机或带区号的固定电话）。',
        en: 'On a village\'s page, click {label} for each grid worker\'s patch (e.g. "Shezhu grid 1"), with its responsible person and phone (mobile or a landline with area code).',
      },
      {
        route: '/areas/:village', label: 'gridRules.open',
        zh: '再点{label}，写明每个网格负责哪些村民小组（如“5组”）、道路、小区和门牌号段。导入名单、卡口移交和上门登记的地址都按这些规则落到网格；对不上的留在村里，由本村网格员认领。',
        en: 'Then click {label} and say which villager groups ("5组"), roads, compounds and house-number ranges each grid covers. Addresses from imports, checkpoint handovers and door-to-door registration go to a grid by these rules; the rest stay at the village for its grid workers to take.',
      },
      {
        route: '/areas/:village/grid-rules', label: 'gridRules.test',
        zh: '在{label}里输入一个常见写法的地址（如“社渚村五组12号”），看它落到哪个网格，确认规则无误。',
        en: 'Type an address the way people write it into {label} (e.g. "社渚村五组12号") and see which grid it lands on.',
      },
      {
        route: '/areas/:village', label: 'outbound.open',
        zh: '点{label}，填入企业微信或钉钉群机器人的 Webhook 地址：本区域出现发热预警时会发到该群（不含身份证号和完整手机号）。县、乡镇、村各级都可以设。',
        en: 'Click {label} and paste a WeCom or DingTalk group-robot webhook: fever alerts in the area are posted to that group (never an ID number or a full phone). Any level can have one.',
      },
      {
        route: '/accounts', label: 'user.create',
        zh: '在账号管理中点{label}，为指挥部、网格员、社区医生、社工各开一个账号，选好角色和所属区划。初始密码只显示一次，请当面告知；首次登录必须修改密码。',
        en: 'In Accounts click {label} for each commander, grid worker, doctor and social worker, with their role and area. The initial password is shown once — hand it over in person; it must be changed at first login.',
      },
      {
        route: '/imports', label: 'imp.template',
        zh: '在名单导入中点{label}（Excel 或 CSV），按表头填写上级下发的名单；身份证号列要是文本格式。',
        en: 'In Import click {label} (Excel or CSV) and fill in the list from above; keep the ID number column as text.',
      },
      {
        route: '/imports', label: 'imp.start',
        zh: '选择文件，设好核查时限，点{label}。结果页说明新建、并入、待核实、未导入各是什么；有问题的行可下载，改好后重新导入。',
        en: 'Choose the file, set the deadline and click {label}. The result explains what new, merged, flagged and not imported mean; problem rows can be downloaded, fixed and imported again.',
      },
      {
        route: '/reports/settings', label: 'report.settings.cutoff',
        zh: '日报设置：选定全县日报的{label}（16时、18时或24时，自明天或以后某天起生效），由哪一级上报（默认乡镇），以及乡镇需要手工填报的数字（如发热门诊就诊人数，最多 20 项）。',
        en: 'Report settings: choose the county\'s {label} (16:00, 18:00 or 24:00, from tomorrow or a later day), which level reports (townships by default), and the figures townships type in (such as fever-clinic visits, at most 20).',
      },
    ],
  },
  {
    id: 'commander',
    role: 'commander',
    title: { zh: '指挥部：看进度、调任务、看观察', en: 'Commander: progress, reassigning, observation' },
    intro: {
      zh: '乡镇（街道）或县指挥部的负责人，看本级及以下的全部数据。',
      en: 'The person in charge at a township or county command post; sees everything in their area and below.',
    },
    steps: [
      {
        route: '/dashboard', label: 'nav.home',
        zh: '登录后先到{label}：今日累计排查、核实、在观察、发热、超时未核查、待落实观察等数字与日报一致；近 14/30 天趋势、各乡镇核查进度与超时、今日报送情况（谁还没报）；点数字、柱子或曲线看名单。',
        en: 'After signing in you land on {label}: today\'s figures (screened, verified, under observation, fevers, overdue, to place), the same as the daily report; the trend of the last 14/30 days, progress and overdue per township, and who has not reported today; click a number, bar or line for the list.',
      },
      {
        route: '/monitor', label: 'monitor.title',
        zh: '{label}按区划列出下发、已核查、待核查、已超期和完成率；点区划名称逐级下钻，点任务数看任务列表。每天向上报告时，以这里和观察看板的数字为准。',
        en: '{label} lists tasks pushed, verified, open and overdue and the completion rate per area; click an area to drill down, a count for the task list. Report upward from these numbers and the observation board\'s.',
      },
      {
        route: '/monitor', label: 'monitor.outcomes',
        zh: '{label}一栏按结果分类计数（需落实居家观察、查无此人、已迁往等），可以看出哪些村需要追问。',
        en: 'The {label} column counts tasks by outcome (to be placed, not found, moved …), showing which villages need a follow-up call.',
      },
      {
        route: '/tasks/:village', label: 'task.villageUnassigned',
        zh: '村里没人认领的任务：在该村的任务列表点{label}，一次转给一个网格。',
        en: 'Tasks nobody in a village took: in the village\'s task list click {label} to hand them all to one grid.',
      },
      {
        route: '/tasks/:village', label: 'task.bulkReassign',
        zh: '也可以勾选几条任务后点{label}，或在单条任务上转派、延期（须写原因）。',
        en: 'Or tick some tasks and click {label}; single tasks can be reassigned or extended (with a reason).',
      },
      {
        route: '/obs-board', label: 'obs.board.title',
        zh: '{label}显示在观察、今日新增、今日发热、待落实观察、超时未测等人数和今日随访完成率；点数字看名单。',
        en: 'The {label} shows people under observation, new today, today\'s fevers, to be placed, overdue visits and today\'s completion; click a number for the list.',
      },
      {
        route: '/obs-board', label: 'obs.card.printArea',
        zh: '点{label}，为本区划在观察人员打印联心卡（A6 或 A4 四张），卡上有社区医生、社工电话和自报二维码。',
        en: 'Click {label} to print contact cards for everyone under observation in the area (A6, or four on A4) with the doctor\'s and social worker\'s phones and the self-report QR code.',
      },
      {
        route: '/reports', label: 'report.submit',
        zh: '日报：每天截止时间前打开，系统记录的数字已自动算好；填上县里要求手工填报的几个数字，点{label}。没有新情况就点“零报告”。提交后要改，点“更正”并写明原因，每个版本都保留。县指挥部在同一页看各乡镇已报、迟报、零报告、未报和汇总，点乡镇看它的日报，再点“查看记录”看名单，并可下载 Excel。',
        en: 'Daily report: open it before the cut-off each day; the figures from the records are already counted. Fill in the few figures the county asks you to type and click {label}. Nothing new: tap "Nil report". To change a report afterwards, click "Correct" and give the reason; every version is kept. The county command post sees on the same page which townships reported, late, nil or not at all, the roll-up, each township\'s report and the records behind it, and downloads the Excel table.',
      },
      {
        route: '/reports', label: 'report.sentence',
        zh: '{label}由系统按数字写好（“尚未发现”只在确实为零时出现），可在框内修改后点“复制”发到工作群；修改不会改动系统里的日报。',
        en: 'The {label} is written from the figures ("none found" only when the figure really is zero); edit it in the box and click "Copy" to paste it into the work group; editing does not change the report in the system.',
      },
      {
        route: '/persons', label: 'person.search',
        zh: '一人一档：按身份证号、手机号或姓名{label}，看此人的行程、任务、观察和时间线。查看完整证件号会记入审计日志。',
        en: 'One person, one file: {label} by ID number, phone or name to see the journey, tasks, observation and timeline. Revealing a full ID number is audited.',
      },
    ],
  },
  {
    id: 'checkpoint',
    role: 'commander',
    title: { zh: '指挥部：卡口', en: 'Commander: checkpoints' },
    intro: {
      zh: '县、乡镇指挥部设卡、撤卡，安排执勤人员，看每个卡口每天、每班的数字和移交办理情况。卡口执勤人员在手机上登记。',
      en: 'County and township command posts open and close checkpoints, assign their staff and follow each checkpoint\'s figures per day and shift and its handovers. Checkpoint staff register on their phones.',
    },
    steps: [
      {
        route: '/checkpoints', label: 'cpc.nav',
        zh: '{label}页列出本区域运行中的每个卡口和今日数字：车辆、人员、重点地区车辆和人员、劝返、送发热门诊、移交、移交已办结；还有移交未办结的卡口标黄。点数字看对应的登记记录。',
        en: 'The {label} page lists every open checkpoint of the area with today\'s figures: vehicles, persons, key-area vehicles and persons, turned back, sent to the fever clinic, handed over and handovers closed; a checkpoint with handovers still open is marked in amber. Click a figure for the registrations behind it.',
      },
      {
        route: '/checkpoints', label: 'cpc.create',
        zh: '点{label}，填写名称、类型（高速卡口、省界卡口、国省道卡口、村口卡点、其他）、所属区域、位置和开设日期；班次默认 08:00–20:00、20:00–08:00 两班，可改为 1 至 4 班。',
        en: 'Click {label} and fill in the name, kind (highway, provincial border, national/provincial road, village entrance, other), area, location and opening date; shifts are 08:00–20:00 and 20:00–08:00 by default, 1 to 4 of them.',
      },
      {
        route: '/checkpoints', label: 'cpc.showClosed',
        zh: '每个卡口卡片上：“执勤人员”添加或移除卡口执勤账号（先在账号管理中以“卡口执勤”角色建好账号）；“打印二维码”打印 A4 出行预登记海报，贴在卡口前方；撤卡时点“关闭”并选关闭日期，关闭后不再接受登记。打开{label}可以看到已关闭的卡口。',
        en: 'On each checkpoint\'s card: "Staff" adds or removes checkpoint staff accounts (create them in Accounts with the role "Checkpoint staff" first); "Print QR poster" prints the A4 pre-registration poster to put up before the gate; when the checkpoint is lifted, "Close" with the date — it then takes no more registrations. Turn on {label} to see closed checkpoints.',
      },
      {
        route: '/checkpoints/stats', label: 'cpc.statsPage.title',
        zh: '{label}：选日期范围（最长 366 天），看全区域合计和每个卡口的数字，只选一天时按班次分行。点卡口或数字看登记记录；每条登记可看详情、移交核查的办理情况和修改记录。登记有误时由指挥部点“更正”并写明原因，原记录保留。',
        en: '{label}: pick a range of days (at most 366) for the area\'s total and each checkpoint\'s figures, per shift when a single day is picked. Click a checkpoint or a figure for its registrations; each shows its details, how its handovers were handled and its versions. A wrong registration is corrected by a commander with "Correct" and a reason; the old version is kept.',
      },
    ],
  },
  {
    id: 'closure',
    role: 'commander',
    title: { zh: '指挥部：封闭式管理', en: 'Commander: closed areas' },
    intro: {
      zh: '村（社区）或小区出现病例时封闭管理：一户一证，凭证出入，门岗测温登记；居家观察户不发证、不外出。',
      en: 'A village or compound with a case is closed: one pass per household, passes shown at the gate with a temperature check; households under home observation get none and stay in.',
    },
    steps: [
      {
        route: '/closures', label: 'cl.nav',
        zh: '{label}页列出正在封闭的村（社区）和小区，每个都有户数、各类出入证、居家观察户、禁止外出户、在外人数和今日外出、劝返数。',
        en: 'The {label} page lists the closed villages and compounds, each with its households, passes by kind, households under observation or blocked, who is out and today\'s exits and refusals.',
      },
      {
        route: '/closures', label: 'cl.create',
        zh: '点{label}：选村（社区）或小区（小区先在区划网格里建成网格或村民小组），封闭开始日期、原因和规则（默认每户每 2 天 1 人外出，外来人员和车辆不得进出）。解封时在卡片上点“解除封闭”，出入证随即失效，记录保留。',
        en: 'Click {label}: pick the village or compound (create a compound first as a grid or group under Areas), the first day, the reason and the rules (by default 1 person per household every 2 days, no outsiders, no vehicles). To reopen, click "Reopen" on its card: every pass stops working, the records stay.',
      },
      {
        route: '/closures/:closure', label: 'cl.hh.import',
        zh: '住户来自一人一档中地址在本区域的档案（按地址汇总），也可以“添加住户”或{label}（Excel 或 CSV，表头户主、地址、人数、电话）；未导入的行逐行列出原因。有人居家观察的户自动标出；需要时可禁止某户外出并写明原因。',
        en: 'Households come from the person files with an address in the area (grouped by address); you can also "Add a household" or {label} (Excel or CSV with head, address, members, phone); lines not imported are listed with the reason. Households with someone under home observation are marked by themselves; a household can be blocked from going out, with a reason.',
      },
      {
        route: '/closures/:closure', label: 'cl.hh.batch',
        zh: '点{label}，给还没有出入证的每户发一张住户证（居家观察户和禁止外出户不发）；工作证、临时证在“出入证”页单独发。',
        en: 'Click {label} to give every household without a pass a resident pass (none to households under observation or blocked); worker and temporary passes are issued on the Passes tab.',
      },
      {
        route: '/closures/:closure?tab=passes', label: 'cl.pass.printAll',
        zh: '{label}：A6 每页一张或 A4 每页四张，每张有证号、户主（部分隐去）、住址和二维码，盖章后发到各户。遗失的点“补办”（原证号作废，换新号），不再使用的点“作废”。',
        en: '{label}: A6 one a page or A4 four a page, each with its number, the household head (partly hidden), the address and a QR code; stamp them and hand them out. A lost pass is reissued (the old number revoked, a new one given); one no longer needed is revoked.',
      },
      {
        route: '/closures/:closure?tab=gates', label: 'cl.gates.add',
        zh: '{label}，再把“门岗值守”角色的账号加入门岗（先在账号管理中建好）；门岗人员用手机打开门岗查验。',
        en: '{label}, then add accounts of the role "Gate guard" to it (create them in Accounts first); guards open the gate check on their phones.',
      },
      {
        route: '/closures/:closure?tab=stats', label: 'cl.stats.byReason',
        zh: '“统计”页看每天外出、进入和劝返的人次、{label}和当前在外的人；“通行记录”页逐条列出每次出入。',
        en: 'The Statistics tab shows exits, entries and refusals a day, {label} and who is out now; the Gate log lists every passing.',
      },
    ],
  },
  {
    id: 'gate_guard',
    role: 'gate_guard',
    title: { zh: '门岗值守：查验出入证', en: 'Gate guard: checking passes' },
    intro: {
      zh: '在手机上查验出入证、登记出入和体温。没有网络也能查验和登记。',
      en: 'Check passes, record each passing and its temperature on the phone. Works without network too.',
    },
    steps: [
      {
        route: '/gate', label: 'gate.number',
        zh: '登录后直接进入门岗查验：顶部是门岗、封闭区域和规则。输入{label}（有无短横线、大小写都可以），或点“扫描出入证二维码”。',
        en: 'After login you land on the gate check: the gate, the closed area and its rules at the top. Type the {label} (with or without the dash, any case), or tap "Scan the pass QR code".',
      },
      {
        route: '/gate', label: 'gate.check',
        zh: '点{label}：绿色“可以通行”，红色“不能通行”并写明原因（如出入证已作废、居家观察户、本户外出次数已用完及下次可外出的日期）。测体温后点“外出”或“进入”；红色时点“记录劝返”，不计外出次数。',
        en: 'Tap {label}: green "May pass", or red "May not pass" with the reason (pass revoked, household under observation, quota used and the next day allowed). Take the temperature and tap "Out" or "In"; on red, "Record refusal" keeps it without counting an exit.',
      },
    ],
  },
  {
    id: 'grid_worker',
    role: 'grid_worker',
    title: { zh: '网格员：上门核查', en: 'Grid worker: verifying door to door' },
    intro: {
      zh: '在手机上使用。任务按地址落到你的网格；村里没落到网格的，由本村网格员认领。',
      en: 'Used on a phone. Tasks reach your grid by address; those left at the village are taken by its grid workers.',
    },
    steps: [
      {
        route: '/my-tasks', label: 'mine.title',
        zh: '{label}列出要你上门核查的人，超期的标红，按截止时间排序。列表空着时，页面会说明原因。',
        en: '{label} lists the people you verify at the door, overdue ones in red, soonest first. When it is empty, the page says why.',
      },
      {
        route: '/my-tasks', label: 'mine.pool',
        zh: '{label}是本村还没落到网格的任务：点“认领”，任务就移到你的列表。',
        en: '{label} holds the village\'s tasks not yet on a grid: tap "Take" and the task moves to your list.',
      },
      {
        route: '/my-tasks/:task', label: 'mine.call',
        zh: '点开一个人，看证件号（打码）、地址、行程和截止时间；点{label}直接拨号（完整号码只在拨打时显示，并记入审计）。',
        en: 'Open a person for the masked ID number, address, journey and deadline; tap {label} to dial (the full number shows only when calling, and is audited).',
      },
      {
        route: '/my-tasks/:task', label: 'fix.title',
        zh: '名单上有错的（身份证校验位错、缺电话、地址对不上），在{label}里按证件当面改正；改正会记下新旧值，地址改到别的村时任务随之转过去。',
        en: 'Details that are wrong in the list (check digit, missing phone, unknown address) are corrected at the door in {label}; the change is audited, and a new address in another village moves the task there.',
      },
      {
        route: '/my-tasks/:task', label: 'mine.outcome',
        zh: '选{label}：每个选项下写着它的含义和之后会发生什么。选“核实，需落实居家观察”后会直接进入落实居家观察。',
        en: 'Choose the {label}: each option says what it means and what happens next. "Verified, to be placed under observation" leads straight into placing.',
      },
      {
        route: '/my-tasks/:task', click: '[data-test="outcome-option"][data-code="moved"]', label: 'mine.forwardTo',
        zh: '此人已迁走时选“不在本地居住／已迁往”，在{label}里按名称或拼音首字母（如 tmh）搜索全县的乡镇、村，任务转到那里，页面显示现由谁负责。',
        en: 'When the person has moved, choose "Not living here / moved to" and search {label} by name or pinyin initials (e.g. tmh) across the county; the task goes there and the page shows who has it now.',
      },
      {
        route: '/my-tasks/:task', label: 'mine.submit',
        zh: '写好备注后点{label}。没有网络时结果先存在手机上，恢复后自动重发。',
        en: 'Add a note and tap {label}. Without a network the result is kept on the phone and sent when the network is back.',
      },
      {
        route: '/my-tasks/register', label: 'reg.title',
        zh: '上门遇到名单外的人：在我的任务页点“登记新人员”，填写姓名、证件号、电话和地址，{label}后生成档案。',
        en: 'Someone not on the list: on My tasks tap "Register a person", fill in name, ID number, phone and address — {label} makes the file.',
      },
      {
        route: '/today', label: 'obs.today.title',
        zh: '{label}列出今天要随访的居家观察人员和还缺的体温；点“记录随访”，见人、见居、见状态三项都要回答。',
        en: '{label} lists today\'s people under home observation and missing readings; tap "Record visit" and answer all three checks.',
      },
    ],
  },
  {
    id: 'doctor',
    role: 'doctor',
    title: { zh: '社区医生：观察、随访、发热预警', en: 'Community doctor: observation, visits, fever alerts' },
    intro: {
      zh: '体温 ≥ 37.3 °C（默认）或有症状即触发发热预警，推送到铃铛和群机器人。',
      en: 'A temperature of 37.3 °C or more (by default) or a symptom raises a fever alert, pushed to the bell and the group robot.',
    },
    steps: [
      {
        route: '/alerts', label: 'obs.alert.title',
        zh: '{label}页列出待处置的预警：姓名、体温、症状和所属区划，点姓名看观察详情；新预警会同时出现在右上角的铃铛里。',
        en: 'The {label} page lists alerts to handle: name, temperature, symptoms and area; tap the name for the observation; new ones also ring the bell at the top right.',
      },
      {
        route: '/alerts', label: 'obs.alert.refer',
        zh: '点{label}，选发热门诊或定点医院，填写医疗机构和转运方式。',
        en: 'Tap {label}, choose a fever clinic or designated hospital, and fill in the facility and transport.',
      },
      {
        route: '/alerts', label: 'obs.alert.recordResult',
        zh: '诊断出来后点{label}：排除的继续居家观察；疑似、确诊、住院的结束居家观察，转入相应处置。',
        en: 'When the diagnosis is known tap {label}: excluded goes back to home observation; suspected, confirmed or hospitalised ends it.',
      },
      {
        route: '/today', label: 'obs.visit.record',
        zh: '今日随访里每人一行，点{label}开始随访。',
        en: 'Today\'s follow-ups has a row per person; tap {label} to start a visit.',
      },
      {
        route: '/observations/:observation/visit', label: 'obs.visit.checks',
        zh: '随访表里{label}三项都要选“是”或“否”（不预先勾选），填写体温和症状；发热或有症状时“状态正常”不能选“是”。',
        en: 'In the visit form answer all three of {label} (nothing is pre-ticked) and enter the temperature and symptoms; with a fever or symptom "condition normal" cannot be "yes".',
      },
      {
        route: '/observations/:observation', label: 'obs.detail.visits',
        zh: '观察详情里的{label}列出每次随访；观察期满且无未结预警时，可以解除观察并打印告知书。',
        en: 'The observation\'s {label} lists every visit; once the period is over with no open alert, release it and print the notice.',
      },
    ],
  },
  {
    id: 'checkpoint_staff',
    role: 'checkpoint_staff',
    title: { zh: '卡口执勤：登记车辆和人员', en: 'Checkpoint staff: registering vehicles and persons' },
    intro: {
      zh: '在手机上登记每一辆车和车上每一个人（见人、见车、见电话）；来自重点地区的人员当场移交到目的地村（社区）核查。信号不好也能登记。',
      en: 'Register every vehicle and every person in it on the phone; arrivals from key areas are handed over to their destination village on the spot. Works with a poor signal.',
    },
    steps: [
      {
        route: '/m/checkpoint', label: 'cpf.nav.register',
        zh: '登录后直接进入{label}：顶部是本卡口名称和本班次的车辆、人员、移交、发热门诊、劝返数。车牌的省份默认本省（点省份键可换，下次默认上次用的），再输入其余几位；车型默认小车、方向默认进入。',
        en: 'After login you land on {label}: the checkpoint\'s name and this shift\'s vehicles, persons, handovers, fever-clinic referrals and turned back at the top. The plate\'s province defaults to your own (tap it to change; next time the last one used), then type the rest; a car coming in is the default.',
      },
      {
        route: '/m/checkpoint', label: 'cpf.unreadable',
        zh: '无牌或看不清的车打开{label}，写明情况，照样登记，不要因为车牌填不上放车。车牌格式不对时输入框下有提示，以服务器判定为准。',
        en: 'For a car without a plate or with an unreadable one turn on {label}, write why, and register it anyway: never let a car through because the plate would not go in. A wrongly formed plate is hinted under the box; the server decides.',
      },
      {
        route: '/m/checkpoint', label: 'cpf.addPassenger',
        zh: '每人一张卡：姓名、身份证号（校验位不对会提示）、电话、体温（点 36.x 快捷键或直接输入）、从何处来、到何处去、事由（可点返乡、务工、探亲、过境）。点{label}加下一个人，自动带上驾驶员的来处、去处和事由。',
        en: 'One card per person: name, ID number (a wrong check character is hinted), phone, temperature (tap a 36.x key or type it), from, to, purpose (tap Home, Work, Family or Passing through). Tap {label} for the next person: the driver\'s origin, destination and purpose are copied.',
      },
      {
        route: '/m/checkpoint', label: 'cpf.outcomes.clinic',
        zh: '每人卡片下方随填随显示建议结果：体温 ≥ 37.3 °C 建议{label}，来自重点地区建议移交，其余放行；可以点其他结果改掉。登记后显示每人最终结果，移交的人已成为目的地村（社区）的核查任务。',
        en: 'Under each card the proposed outcome follows what you type: 37.3 °C or more proposes {label}, a key-area origin a handover, else passed; tap another to change it. After registering each person\'s outcome is shown; a handover is already a verification task in the destination village.',
      },
      {
        route: '/m/checkpoint', label: 'cpf.nav.day',
        zh: '没有信号时登记保存在手机上，列在“未发送”里，信号恢复后自动补发（不会重复登记），不要重新登记。{label}列出本卡口今天每班的合计和每一辆车，移交的人员可以看到村里是否已核查。',
        en: 'Without signal a registration is kept on the phone under "unsent" and sent when the signal is back (never twice): do not register it again. {label} lists today\'s totals per shift and every vehicle; for each handover you see whether the village has verified it.',
      },
      {
        route: '/m/checkpoint/prereg', label: 'cpf.pre.codeTitle',
        zh: '提前扫了卡口二维码预登记的车走快速通道：在预登记码页{label}（或点扫码），核对车辆和人员，只需测体温、确认。',
        en: 'Cars pre-registered through the checkpoint\'s QR poster take the fast lane: on the code page, {label} (or tap Scan), check the vehicle and persons, take temperatures and confirm.',
      },
      {
        route: '/pre/:checkpoint', label: 'cpf.pub.submit',
        zh: '司机扫卡口海报上的二维码打开预登记页（不用登录），填车辆和每位乘车人员后点{label}，得到 8 位预登记码，24 小时内有效。',
        en: 'Drivers scan the QR on the checkpoint\'s poster to open the pre-registration page (no login), fill in the vehicle and every person and tap {label}; they get an 8-character code, valid for 24 hours.',
      },
    ],
  },
  {
    id: 'duty',
    role: 'commander',
    title: { zh: '值班值守：排班、当前值班和值班日志', en: '24-hour duty: roster, on duty now and the duty log' },
    intro: {
      zh: '县、乡镇、村指挥部和每个卡口 24 小时有人值班：带班领导和值班员，通常两班（08:00–20:00、20:00–08:00）。谁在值班、电话多少，所有人都能在“当前值班”里看到。',
      en: 'Every county, township and village command post and every checkpoint is staffed around the clock: a leader on duty and duty officers, usually two shifts (08:00–20:00, 20:00–08:00). Everyone sees who is on duty, with phones, under "On duty now".',
    },
    steps: [
      {
        route: '/duty/roster', label: 'duty.roster.settings',
        zh: '打开值班排班，选择岗位（本级指挥部、下级指挥部或卡口），在{label}里填写值班电话（专用于值班，手机或带区号的固定电话）和班次开始时间。',
        en: 'Open the duty roster, pick a post (your command post, one below it or a checkpoint) and in {label} enter its duty phone (for duty only: a mobile or a landline with its area code) and the shift start times.',
      },
      {
        route: '/duty/roster', label: 'duty.roster.copy',
        zh: '点一周表格里的某一班，填写带班领导和最多 6 名值班员的姓名、电话；关联系统账号后，本人可以在值班时记录值班日志。没人值班的班次标红“缺岗”。排好一周后，下一周可以用{label}一次排好再微调。',
        en: 'Click a shift in the week grid and enter the leader and up to 6 duty officers with their phones; link their accounts so they can keep the duty log on their shift. A shift with nobody is red ("Gap"). Once a week is set, {label} sets the next one in one go; adjust from there.',
      },
      {
        route: '/duty/now', label: 'duty.now.board',
        zh: '当前值班按县、乡镇、村顺序列出正在值班的人，点电话直接拨打；{label}列出辖区每个岗位的本班人员，缺岗的标红，可只看缺岗。',
        en: 'On duty now lists who is on duty from the county down, each phone a tap to call; {label} lists every post in your area with its current shift, gaps in red, optionally the gaps only.',
      },
      {
        route: '/duty/log', label: 'duty.log.add',
        zh: '值班员在手机上打开值班日志，每个来电、来访、上报都点{label}记下时间、来人、联系方式、事项和处理情况；谁先接谁负责（首问负责制），转办、反馈、办结都记在这条记录上，需要核查的人员可直接转为核查任务。没有信号时记录保存在手机上，恢复后自动补发。',
        en: 'The officer on duty opens the duty log on the phone and, for every call, visit or report, taps {label} to note the time, who, the contact, what and what was done; whoever takes it owns it, and hands it on, records what came back and closes it there; a person to verify becomes a verification task. Without signal it waits on the phone and is sent later.',
      },
      {
        route: '/duty/log', label: 'duty.handover.give',
        zh: '下班前 2 小时到下班后 12 小时内点{label}，未办结的事项随交班一起列出；下一班的值班员确认接班后，这些事项转到他名下。未交班的班次在排班表上标红。',
        en: 'From 2 hours before the end of a shift to 12 hours after, tap {label}: the open matters are listed with it; once an officer of the next shift confirms, they become theirs. A shift not handed over is red on the roster.',
      },
    ],
  },
];

// The route without parameters, or null (the manual links only to those).
export function stepLink(step) {
  return step.route.includes(':') ? null : step.route;
}

// A step's text in the given language, {label} replaced by the label in brackets.
export function stepText(step, t, lang) {
  return fillLabels(lang === 'en' ? step.en : step.zh, { label: step.label }, t, lang);
}
