// Chinese (default) UI text. Keys mirror en.js; keep both files in step.
export default {
  app: { name: '防控', title: '基层防控信息系统', short: '防控' },
  common: {
    ok: '确定', cancel: '取消', save: '保存', submit: '提交', close: '关闭', edit: '编辑',
    search: '搜索', reset: '重置', loading: '加载中…', none: '无', all: '全部', yes: '是', no: '否',
    copy: '复制', copied: '已复制', copyFailed: '复制失败，请手动选择复制', loadMore: '加载更多',
    noMore: '没有更多了', empty: '暂无数据', actions: '操作', retry: '重试', saved: '已保存',
    created: '已创建', details: '详情', phoneInvalid: '请输入正确的手机号', required: '必填',
  },
  lang: { label: '语言', 'zh-CN': '中文', en: 'English' },
  nav: {
    areas: '区划网格', accounts: '账号管理', audit: '审计日志', password: '修改密码',
    logout: '退出登录', menu: '菜单', collapse: '收起菜单', expand: '展开菜单',
  },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录',
    usernameRequired: '请输入用户名', passwordRequired: '请输入密码',
    hint: '本系统仅供疫情防控工作使用，操作全程留痕。',
  },
  password: {
    title: '修改密码', forced: '首次登录或密码已被重置，请先设置新密码后再继续使用。',
    old: '当前密码', new: '新密码', repeat: '重复新密码', submit: '修改密码',
    tooShort: '新密码至少 {n} 个字符', mismatch: '两次输入的新密码不一致',
    oldRequired: '请输入当前密码', done: '密码已修改',
  },
  level: {
    province: '省', city: '市', county: '县/市/区', township: '乡镇/街道',
    village: '村/社区', grid: '网格', group: '村民小组',
  },
  role: {
    admin: '系统管理员', commander: '指挥部', cadre: '村组干部', grid_worker: '网格员',
    doctor: '社区医生', social_worker: '社工', checkpoint_staff: '卡口执勤', viewer: '查看者',
  },
  area: {
    searchPlaceholder: '按名称或代码搜索区划', searchEmpty: '没有找到匹配的区划',
    code: '代码', name: '名称', level: '层级', responsible: '责任人',
    responsibleName: '责任人', responsiblePhone: '责任人电话', dutyPhone: '值班电话',
    children: '下级区划', childCount: '下级数', noChildren: '暂无下级区划',
    newGrid: '新建网格', newGroup: '新建村民小组', editTitle: '编辑区划',
    createGridTitle: '在 {parent} 下新建网格', createGroupTitle: '在 {parent} 下新建村民小组',
    tree: '区划树', detail: '区划详情', unset: '未设置', open: '进入',
    notFound: '区划不存在或不在您的权限范围内', nameRequired: '请输入名称',
  },
  user: {
    title: '账号管理', create: '新建账号', username: '用户名', displayName: '姓名',
    phone: '手机号', role: '角色', area: '所属区划', status: '状态', disabled: '停用',
    enabled: '正常', locked: '已锁定', mustChange: '待改密', lastLogin: '最近登录',
    createdAt: '创建时间', never: '从未', edit: '编辑账号', resetPassword: '重置密码',
    resetConfirm: '确定为 {name} 重置密码吗？旧密码将立即失效。',
    initialTitle: '初始密码', initialHint: '初始密码只显示这一次，请复制后当面或通过安全渠道告知 {name}。首次登录须修改密码。',
    filterArea: '区划', filterRole: '角色', filterText: '用户名或姓名',
    usernameHint: '3–32 位小写字母、数字或 _ . -，以字母或数字开头',
    usernameInvalid: '用户名格式不正确', areaRequired: '请选择所属区划', roleRequired: '请选择角色',
    total: '共 {n} 个账号', disableAccount: '停用此账号',
  },
  audit: {
    title: '审计日志', at: '时间', user: '用户', ip: 'IP', action: '操作', object: '对象',
    area: '区划', result: '结果', before: '修改前', after: '修改后', requestId: '请求编号',
    filterUser: '用户名', filterAction: '操作类型', timeRange: '时间范围', from: '开始时间',
    to: '结束时间',
    actions: {
      login: '登录', login_failed: '登录失败', logout: '退出', password_change: '修改密码',
      denied: '拒绝访问', area_create: '新建区划', area_update: '修改区划',
      user_create: '新建账号', user_update: '修改账号', user_reset_password: '重置密码',
    },
  },
  error: {
    network: '无法连接服务器，请检查网络后重试', unknown: '操作失败（{status}）',
    sessionExpired: '登录已过期，请重新登录',
  },
};
