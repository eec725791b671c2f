// Server errors shown where they belong: on the form field named by error.field when the
// form has that field, otherwise as a message at the top.
import { reactive } from 'vue';
import { ElMessage } from 'element-plus';

export function useFieldErrors(fields) {
  const errors = reactive(Object.fromEntries(fields.map((f) => [f, ''])));
  function clear() {
    for (const f of Object.keys(errors)) errors[f] = '';
  }
  // Returns true when the error was attached to a field.
  function show(err) {
    clear();
    if (err && err.field && err.field in errors) {
      // el-form-item only re-renders its error when the prop changes, so set after clear.
      queueMicrotask(() => { errors[err.field] = err.message; });
      return true;
    }
    ElMessage({ type: 'error', message: err && err.message ? err.message : String(err), grouping: true, showClose: true });
    return false;
  }
  return { errors, clear, show };
}

export function showError(err) {
  ElMessage({ type: 'error', message: err && err.message ? err.message : String(err), grouping: true, showClose: true });
}
