// Element Plus components registered one by one so the bundle carries only what the
// console uses (the full stylesheet is imported once in main.js). Sub-components such as
// ElRadioGroup or ElTimelineItem are installed by their parent (ElRadio, ElTimeline).
import {
  ElAlert, ElAside, ElAutocomplete, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox, ElConfigProvider,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElInputNumber, ElLink, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElProgress,
  ElRadio, ElRadioButton, ElRadioGroup, ElSelect, ElSwitch, ElTable, ElTableColumn, ElTag, ElTimeline, ElTimelineItem,
  ElTree, ElUpload,
} from 'element-plus';

const components = [
  ElAlert, ElAside, ElAutocomplete, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox, ElConfigProvider,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElInputNumber, ElLink, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElProgress,
  ElRadio, ElRadioButton, ElRadioGroup, ElSelect, ElSwitch, ElTable, ElTableColumn, ElTag, ElTimeline, ElTimelineItem,
  ElTree, ElUpload,
];

export function installElementPlus(app) {
  for (const c of components) app.use(c);
}
