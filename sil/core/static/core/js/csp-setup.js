/* Loaded before Bootstrap Italia's bundle. Our Content-Security-Policy forbids inline <style>:
   tell video.js (bundled by Bootstrap Italia) not to inject its default styles. */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
