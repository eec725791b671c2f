// Element Plus components registered one by one so the bundle carries only what the
// console uses (the full stylesheet is imported once in main.js).
import {
  ElAlert, ElAside, ElAutocomplete, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox, ElConfigProvider,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElLink, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElSelect, ElSwitch,
  ElTable, ElTableColumn, ElTag, ElTree,
} from 'element-plus';

const components = [
  ElAlert, ElAside, ElAutocomplete, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox, ElConfigProvider,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElLink, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElSelect, ElSwitch,
  ElTable, ElTableColumn, ElTag, ElTree,
];

export function installElementPlus(app) {
  for (const c of components) app.use(c);
}
