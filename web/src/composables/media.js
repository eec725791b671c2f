// Reactive media query; the console switches to drawer navigation and card lists below 768 px.
import { onBeforeUnmount, ref } from 'vue';

export function useMedia(query) {
  const mq = window.matchMedia(query);
  const matches = ref(mq.matches);
  const onChange = (e) => { matches.value = e.matches; };
  mq.addEventListener('change', onChange);
  onBeforeUnmount(() => mq.removeEventListener('change', onChange));
  return matches;
}

export const useIsMobile = () => useMedia('(max-width: 767px)');
