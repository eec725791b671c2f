// 个人信息保留 (issue 16) strings, zh-CN; keys mirror retention-en.js.
export const ret = {
  nav: '信息保留', title: '个人信息保留与匿名化',
  intro: '疫情防控目的结束后，个人信息只保留设定的天数，到期由每日任务匿名化：姓名只留姓氏加“某”，身份证号和电话删除，地址只到村（社区），备注删除；数量、日期、地区和状态保留，报表和看板不变。',
  settings: '保留设置', days: '保留天数（目的结束后）', runHour: '每日执行时间', hour: '{h}:00',
  readOnly: '只有县级管理员或指挥长可以修改保留设置。', updated: '{by} 于 {at} 修改',
  cats: {
    person: '重点人员档案', checkpoint: '卡口登记', closure: '封闭管理住户与出入证', duty: '值班记录来电人',
    outbound: '群机器人与短信消息', import: '上传的名单文件',
  },
  catHints: {
    person: '最后一个任务关闭、最后一次观察结束、且无未结事项之后',
    checkpoint: '登记时间之后（预登记：过期之后）', closure: '解除封闭之后', duty: '事项办结之后',
    outbound: '发送之后', import: '导入结束之后',
  },
  preview: '未来 30 天将匿名化', previewHint: '按每日执行日期统计；已到期未处理的计入今天。', day: '日期', total: '合计',
  due: '即将到期的档案', dueEmpty: '未来 30 天没有到期的档案', name: '姓名', area: '地区', endedAt: '目的结束', dueAt: '到期时间',
  runs: '执行记录', runNow: '立即执行', runConfirm: '立即匿名化所有已到期的个人信息？此操作不可撤销。', running: '正在执行…',
  ran: '已匿名化 {n} 条', source: '方式', sources: { daily: '每日任务', api: '手动', cli: '命令行' },
  states: { running: '进行中', done: '完成', stopped: '未完成' }, startedAt: '开始', counts: '数量', state: '状态', runsEmpty: '还没有执行记录',
};
