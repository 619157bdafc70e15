// Starts Swagger UI over the app's OpenAPI document. Loaded as a file (not an inline
// script) so the page keeps the site's Content-Security-Policy (app/http/headers.py).
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({ url: root.dataset.openapi, domNode: root, deepLinking: true });
