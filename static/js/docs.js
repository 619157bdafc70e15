// Starts Swagger UI over the app's OpenAPI document. Loaded as a file (not an inline
// script) so the page keeps the site's Content-Security-Policy (app/http/headers.py).
// No deep links: Swagger UI puts each one inside the operation's toggle button (a link in a
// button, which assistive technology cannot reach, and a small target on a phone).
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({ url: root.dataset.openapi, domNode: root, deepLinking: false });
