// Vant 4, for the grid worker's phone pages only. Components are imported one by one with
// their own styles, so only these pages' chunk carries Vant; its base.css is imported
// without its global element rules (see vantBaseOnly in vite.config.js). Vant's built-in
// texts follow the console language.
import { watch } from 'vue';
import {
  Button, Cell, CellGroup, Empty, Field, Loading, NoticeBar, PullRefresh, Radio, RadioGroup, Search, Tag,
  Switch, Popup, Tab, Tabs, Badge,
  Locale, showToast, showConfirmDialog,
} from 'vant';
import vantZh from 'vant/es/locale/lang/zh-CN';
import vantEn from 'vant/es/locale/lang/en-US';
import 'vant/es/button/style/index';
import 'vant/es/cell/style/index';
import 'vant/es/cell-group/style/index';
import 'vant/es/empty/style/index';
import 'vant/es/field/style/index';
import 'vant/es/loading/style/index';
import 'vant/es/notice-bar/style/index';
import 'vant/es/pull-refresh/style/index';
import 'vant/es/radio/style/index';
import 'vant/es/radio-group/style/index';
import 'vant/es/search/style/index';
import 'vant/es/tag/style/index';
import 'vant/es/switch/style/index';
import 'vant/es/popup/style/index';
import 'vant/es/tab/style/index';
import 'vant/es/tabs/style/index';
import 'vant/es/badge/style/index';
import 'vant/es/toast/style/index';
import 'vant/es/dialog/style/index';
import './mobile.css';
import { i18n } from '../i18n/index.js';

function syncLocale(l) {
  if (l === 'en') Locale.use('en-US', vantEn);
  else Locale.use('zh-CN', vantZh);
}
syncLocale(i18n.global.locale.value);
watch(i18n.global.locale, syncLocale);

export {
  Button as VanButton, Cell as VanCell, CellGroup as VanCellGroup, Empty as VanEmpty, Field as VanField,
  Loading as VanLoading, NoticeBar as VanNoticeBar, PullRefresh as VanPullRefresh, Radio as VanRadio,
  RadioGroup as VanRadioGroup, Search as VanSearch, Tag as VanTag, Switch as VanSwitch, Popup as VanPopup,
  Tab as VanTab, Tabs as VanTabs, Badge as VanBadge, showToast, showConfirmDialog,
};
