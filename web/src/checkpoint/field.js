// The checkpoint staff's phone pages in one chunk: once one of them has loaded, the others
// open without the network (a checkpoint's signal comes and goes).
export { default as CheckpointStaffView } from './CheckpointStaffView.vue';
export { default as CheckpointDayView } from './CheckpointDayView.vue';
export { default as CheckpointPreregView } from './CheckpointPreregView.vue';
