// 卡口 (issue 12) console strings, zh-CN; keys mirror checkpoint-console-en.js.
export default {
  nav: '卡口', title: '卡口', statsNav: '卡口统计',
  create: '新建卡口', showClosed: '显示已关闭', refresh: '刷新', empty: '本区域暂无卡口',
  todayLine: '今日（{date}）', openHandovers: '移交未结 {n}', noOpenHandovers: '移交均已办结',
  closedTag: '已关闭', openTag: '运行中', closedOn: '关闭于 {date}', openedOn: '开设于 {date}',
  staff: '执勤人员', poster: '打印二维码', close: '关闭', passages: '登记记录', stats: '统计',
  kinds: { highway: '高速卡口', border: '省界卡口', road: '国省道卡口', village: '村口卡点', other: '其他' },
  totals: {
    vehicles: '车辆', persons: '人员', key_area_vehicles: '重点地区车辆', key_area_persons: '重点地区人员',
    turned_back: '劝返', clinic: '送发热门诊', handed_over: '移交', handovers_closed: '移交已办结',
  },
  form: {
    title: '新建卡口', name: '卡口名称', namePh: '如：溧阳南高速卡口', kind: '类型', area: '所属区域', location: '位置',
    locationPh: '如：G25 长深高速溧阳南出口', openedOn: '开设日期', shifts: '班次开始时间', shiftsHint: '默认两班：08:00–20:00、20:00–08:00；最多 4 班。',
    addShift: '增加班次', created: '卡口已建立', shiftsOrder: '班次时间不能重复',
  },
  closeDlg: { title: '关闭卡口', date: '关闭日期', confirm: '关闭后该卡口不再接受登记，确定关闭“{name}”？', done: '卡口已关闭' },
  staffDlg: {
    title: '{name} · 执勤人员', none: '尚未分配执勤人员', add: '添加', search: '搜索卡口执勤账号（用户名或姓名）',
    remove: '移除', removeConfirm: '确定把 {name} 从本卡口移除？', added: '已添加', removed: '已移除', hint: '只能添加角色为“卡口执勤”的账号；没有账号请先在账号管理中新建。',
  },
  statsPage: {
    title: '卡口统计', range: '日期', total: '合计', checkpoint: '卡口', shift: '班次', shiftN: '第 {n} 班 {start}–{end}',
    tooLong: '日期范围不能超过 366 天', oneDay: '选择单日可查看各班次；点数字看范围内最后一天的登记记录',
  },
  pass: {
    title: '登记记录', day: '日期', shift: '班次', outcome: '处置', allShifts: '全部班次', allOutcomes: '全部处置', q: '车牌或姓名',
    at: '时间', plate: '车牌', unreadable: '无牌/无法识别', vehicleKind: '车型', direction: '方向', persons: '人员',
    person: '姓名', idNumber: '身份证号', phone: '手机号', temperature: '体温', origin: '来源地', travel: '14天行程', destination: '目的地',
    purpose: '事由', area: '落地区域', task: '移交核查', taskOpen: '核查中', taskClosed: '已办结', proposed: '系统建议',
    keyArea: '重点地区', version: '版本', by: '登记人', note: '备注', detail: '登记详情', versions: '修改记录', reason: '原因',
    correct: '更正', correctTitle: '更正登记', reasonPh: '如：车牌录入错误', corrected: '已更正', noTask: '—',
    idInvalid: '证件号有误', first: '首次登记', nothing: '没有改动', correctedTo: '更正为 v{n}', was: '原：{what}',
    vehicleKinds: { car: '小客车', bus: '客车', truck: '货车', other: '其他' },
    directions: { in: '进', out: '出' },
    outcomes: { passed: '通行', turned_back: '劝返', clinic: '送发热门诊', handover: '移交' },
  },
  posterPage: {
    title: '{name} 出行预登记', bar: '卡口二维码海报', print: '打印', back: '返回',
    steps: '扫码填写车辆和人员信息，到达卡口出示登记码，测温后快速通行',
    note: '无需注册账号；信息仅用于本次疫情防控检查。',
  },
};
