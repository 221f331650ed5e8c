/**
 * The DB-IP attribution its CC BY 4.0 licence asks for. The server's page
 * frame already ends with one (`.site-footer`); this one shows only when the
 * app is mounted in a shell without it, so the link is never missing nor doubled.
 */
export function Footer() {
  if (document.querySelector('.site-footer') !== null) return null;
  return (
    <footer class="footer muted small">
      <span>tmon — realtime traffic monitor ·</span>
      <a href="https://db-ip.com">IP Geolocation by DB-IP</a>
      <span>(CC BY 4.0)</span>
    </footer>
  );
}
