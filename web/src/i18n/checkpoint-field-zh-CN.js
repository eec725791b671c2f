// 卡口 phone pages (issue 12: staff registration, today's list, fast lane, public
// pre-registration) strings, zh-CN; keys mirror checkpoint-field-en.js.
export default {
  nav: { register: '登记车辆', day: '今日登记', prereg: '预登记码' },
  noCheckpoint: '你的账号还没有分配卡口：请联系指挥部在卡口管理中把你加入执勤人员。',
  closed: '本卡口已撤除，不能再登记。',
  shiftN: '第 {n} 班', shiftRange: '第 {n} 班 {start}–{end}',
  fig: {
    vehicles: '车辆', persons: '人员', key_area_persons: '重点地区人员', handed_over: '移交', handovers_closed: '移交已核查',
    clinic: '发热门诊', turned_back: '劝返',
  },
  vehicle: '车辆', pickProvince: '选择省份简称', plateOptional: '车牌（可不填）',
  plateHint: {
    empty: '请输入车牌', io: '车牌中不会有字母 I 或 O，请核对（可能是 1 或 0）', short: '车牌位数不够：普通车牌 7 位，新能源 8 位',
    long: '车牌位数过多：普通车牌 7 位，新能源 8 位', form: '车牌格式不符合规定，请核对；确实看不清可打开“无牌/看不清”',
  },
  noteRequired: '无牌或看不清时请写明情况', unreadable: '无牌/看不清', notePh: '说明情况（如：无牌三轮车、号牌污损）',
  kinds: { car: '小车', bus: '客车', truck: '货车', other: '其他' },
  directions: { in: '进入', out: '离开' },
  driver: '驾驶员', passenger: '乘客 {n}', remove: '删除', addPassenger: '添加乘客', addPerson: '添加同行人员',
  name: '姓名', idNumber: '身份证号', phone: '电话', temperature: '体温', origin: '从何处来', travel: '14天行程',
  destination: '到何处去', purpose: '事由',
  originPh: '如：湖北省武汉市', travelPh: '途经地（可不填）', destinationPh: '如：社渚镇社渚村5组', purposePh: '如：返乡、务工、探亲',
  phoneHint: '手机号码格式不对，请核对', tempBad: '体温应在 34.0–43.0 之间', tempRequired: '请测量体温', nameRequired: '请填写姓名',
  fever: '体温偏高：建议送发热门诊', fixFields: '还有必填项没填',
  purposes: { home: '返乡', work: '务工', family: '探亲', transit: '过境' },
  outcomes: { passed: '放行', turned_back: '劝返', clinic: '发热门诊', handover: '移交' },
  keyByServer: '来自重点地区（来处、行程或车牌）的，登记时由系统判定移交。', proposed: '建议：', overridden: '已改为 {o}',
  submit: '登记（{n} 人）', personsN: '{n} 人', noPlate: '无牌',
  saved: '已登记', handedTo: '已移交：{area}', wasProposed: '系统建议为 {o}', next: '登记下一辆',
  queued: '网络不通，已保存在手机上，将自动重发',
  queuedLong: '上一辆车已保存在手机上（见“未发送”），网络恢复后自动发送，不用重新登记。',
  dayTitle: '{day} 登记', vehiclesN: '{n} 辆', dayEmpty: '今天还没有登记', keyPlate: '重点地区车牌',
  taskOpen: '移交核查中', taskClosed: '已核查：{o}',
  // the verification outcomes of a handover's task, as the server's dictionary names them
  // (staff cannot read GET /outcomes)
  taskOutcomes: {
    observation: '核实，已落实居家观察', duplicate: '已排查（重复）', wrong_info: '信息有误', moved: '不在本地居住／已迁往',
    not_found: '查无此人', outside_window: '不在排查时段内返回', hospital: '已住院或集中隔离', other: '其他',
  },
  pre: {
    codeTitle: '输入预登记码', lookup: '查询', scan: '扫码', short: '预登记码',
    codeBad: '预登记码是 8 位字母和数字', noCamera: '无法打开摄像头，请直接输入预登记码',
    tip: '请司乘人员出示手机上的预登记码（8 位），输入或扫码后核对人员、测量体温即可。',
    confirm: '确认登记（{n} 人）', again: '下一个预登记码',
  },
  pub: {
    brand: '卡口预登记', intro: '请在到达卡口前填写车辆和每位乘车人员的信息。提交后会得到一个预登记码，到卡口时出示给工作人员。',
    submit: '提交预登记', doneTitle: '预登记成功', showCode: '到卡口时请出示此码。', expires: '有效期至 {at}。',
    typed: '您填写的信息', another: '再登记一辆车', gone: '找不到这个卡口，请核对二维码。', busy: '提交太频繁，请稍后再试',
    closed: '{name}已撤除，无需预登记。', privacy: '您填写的信息仅用于疫情防控。',
  },
};
