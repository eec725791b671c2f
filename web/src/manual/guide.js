// The first-use guide (FirstUseGuide.vue): three or four steps per role — what the user sees,
// what to do first. Each step's text names UI labels by their i18n keys ({a}, {b} …), so the
// guide says what the screens say, in the language chosen. Roles without their own steps get
// `default`. Plain data: the browser test (tests/e2e/help.test.mjs) reads it too.
export const GUIDE = {
  admin: [
    { labels: { a: 'nav.areas' }, zh: '左侧{a}是全县的乡镇和村（社区），初始化时已按国家区划代码建好，点击逐级进入。', en: '{a} on the left holds every township and village of the county, loaded from the national division codes at setup; click to go down.' },
    { labels: { a: 'area.newGrid', b: 'gridRules.open' }, zh: '先在村（社区）下{a}，再打开{b}，写明每个网格管哪些村民小组、道路和小区。', en: 'In a village, first {a}, then open {b} and say which groups, roads and compounds each grid covers.' },
    { labels: { a: 'nav.accounts', b: 'user.create' }, zh: '在{a}里{b}：指挥部、网格员、社区医生、社工各用自己的账号；初始密码只显示一次。', en: 'In {a}, {b} for commanders, grid workers, doctors and social workers; an initial password is shown once.' },
    { labels: { a: 'nav.imports', b: 'imp.template' }, zh: '在{a}里{b}，填好后上传：每人生成一条核查任务，落到网格或村。', en: 'In {a}, {b}, fill it in and upload it: each person becomes a verification task for a grid or village.' },
  ],
  commander: [
    { labels: { a: 'nav.monitor' }, zh: '{a}按区划列出下发、已核查、超期的任务；点区划看任务列表。', en: '{a} shows tasks pushed, verified and overdue per area; click an area for its task list.' },
    { labels: { a: 'task.villageUnassigned', b: 'task.bulkReassign' }, zh: '村里没人认领的任务，在任务列表里用{a}，或勾选后{b}。', en: 'Tasks nobody took in a village: use {a} in the task list, or select some and {b}.' },
    { labels: { a: 'nav.obsBoard' }, zh: '{a}看在观察、今日发热、待落实观察等人数，点数字看名单。', en: '{a} counts people under observation, today\'s fevers and those to be placed; click a number for the list.' },
    { labels: {}, zh: '右上角的铃铛提醒新任务和发热预警；点你的名字可以打开操作手册。', en: 'The bell at the top right tells you of new tasks and fever alerts; your name opens the manual.' },
  ],
  grid_worker: [
    { labels: { a: 'nav.myTasks', b: 'mine.pool' }, zh: '{a}是要你上门核查的人；村里还没人认领的在{b}，点“认领”即归你。', en: '{a} lists the people you verify at the door; tasks nobody took yet are under {b}: tap “Take”.' },
    { labels: { a: 'mine.call', b: 'fix.title' }, zh: '点开一个人：可以{a}；名单上有错的，在{b}里当面改正。', en: 'Open a person: you can {a}; wrong details in the list are corrected in {b} at the door.' },
    { labels: { a: 'mine.outcome', b: 'mine.submit' }, zh: '选{a}（每个选项下写着它的含义和之后会怎样），再{b}。', en: 'Choose the {a} (each option says what it means and what happens next), then {b}.' },
    { labels: { a: 'reg.open', b: 'nav.obsToday' }, zh: '名单外遇到的人用{a}；居家观察的人每天在{b}里记录。', en: 'Someone not on the list: {a}. People under home observation are recorded every day in {b}.' },
  ],
  doctor: [
    { labels: { a: 'nav.alerts' }, zh: '{a}列出体温偏高或有症状的人，新预警也会出现在右上角的铃铛里。', en: '{a} lists people with a high temperature or symptoms; new ones also ring the bell at the top right.' },
    { labels: { a: 'obs.alert.refer', b: 'obs.alert.recordResult' }, zh: '处置一条预警：{a}，诊断出来后{b}。', en: 'Handle an alert: {a}, and {b} when the diagnosis is known.' },
    { labels: { a: 'nav.obsToday', b: 'obs.visit.record' }, zh: '{a}是今天要随访的人：点{b}，见人、见居、见状态三项都要回答。', en: '{a} lists today\'s follow-ups: tap {b} and answer all three checks.' },
  ],
  social_worker: [
    { labels: { a: 'nav.services' }, zh: '{a}列出居家观察户申请的代购、送餐、买药等。', en: '{a} lists the shopping, meals and medicine that isolated households asked for.' },
    { labels: { a: 'obs.service.accept', b: 'obs.service.deliver' }, zh: '{a}后去办，送到后点{b}。', en: '{a}, do it, then tap {b}.' },
    { labels: {}, zh: '右上角的铃铛是通知；点你的名字可以打开操作手册。', en: 'The bell at the top right holds notifications; your name opens the manual.' },
  ],
  checkpoint_staff: [
    { labels: { a: 'cpf.nav.register', b: 'cpf.unreadable' }, zh: '{a}：车牌省份默认本省，点省份可换；看不清或无牌就打开{b}写明情况，照样登记。', en: '{a}: the province defaults to your own, tap it to change; for no plate or an unreadable one turn on {b}, write why, and register anyway.' },
    { labels: { a: 'cpf.addPassenger' }, zh: '每人一张卡，{a}时自动带上驾驶员的来处、去处和事由；体温点 36.x 快捷键。每人下方的建议结果随填随变，可以改。', en: 'One card per person; {a} copies the driver\'s origin, destination and purpose; tap 36.x for the temperature. The outcome proposed under each card follows what you type and can be changed.' },
    { labels: { a: 'unsent.resend', b: 'cpf.nav.prereg' }, zh: '没信号时登记保存在手机上（未发送），有信号自动补发，也可点{a}；司机有预登记码的走{b}快速通道。', en: 'Without signal a registration waits on the phone (unsent) and goes out when the signal is back, or tap {a}; drivers with a code use {b}, the fast lane.' },
  ],
  gate_guard: [
    { labels: { a: 'gate.number', b: 'gate.check' }, zh: '输入出入证上的{a}（或扫二维码），点{b}：绿色可以通行，红色不能通行，下面写着原因。', en: 'Type the {a} on the pass (or scan its QR code) and tap {b}: green may pass, red may not, with the reason under it.' },
    { labels: { a: 'gate.out', b: 'gate.in' }, zh: '测体温后点{a}或{b}；红色时点“记录劝返”，不计外出次数。', en: 'Take the temperature, then tap {a} or {b}; on red, “Record refusal” keeps it without counting an exit.' },
    { labels: { a: 'gate.offlineShort' }, zh: '没有网络时按手机上保存的名单查验（显示{a}），记录存在手机上，有网络后自动补发；服务器判定不同的会在顶部列出。', en: 'Without network the phone checks against its kept list (shown as {a}) and keeps the records until the network is back; those the server judged otherwise are listed at the top.' },
  ],
  default: [
    { labels: {}, zh: '左侧菜单（手机上点左上角 ☰）是你能用的功能。', en: 'The menu on the left (☰ at the top left on a phone) holds what you can use.' },
    { labels: {}, zh: '右上角的铃铛是通知；点你的名字可以修改密码、打开操作手册。', en: 'The bell at the top right holds notifications; your name lets you change your password and open the manual.' },
    { labels: {}, zh: '所有操作都会记入审计日志。', en: 'Every action is recorded in the audit log.' },
  ],
};

export function guideFor(role) {
  return GUIDE[role] || GUIDE.default;
}

// A step's text in the given language with each {x} replaced by the label its key names,
// in corner brackets (zh) or quotes (en). t is vue-i18n's t (or any key → text function).
export function fillLabels(text, labels, t, lang) {
  const [open, close] = lang === 'en' ? ['"', '"'] : ['「', '」'];
  return text.replace(/\{(\w+)\}/g, (m, k) => (labels && labels[k] ? `${open}${t(labels[k])}${close}` : m));
}
