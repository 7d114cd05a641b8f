/** The configuration texts that make a registry usable from this page (oci.md §8.2, §8.3 A); a copy of scripts/lib/nginx.mjs. */

export const CORS_ALLOWED_METHODS = 'HEAD, GET, OPTIONS, POST, PUT, PATCH, DELETE';
export const CORS_ALLOWED_HEADERS =
  'Authorization, Accept, Content-Type, Content-Range, Range, If-Match, Cache-Control';
export const CORS_EXPOSED_HEADERS =
  'Docker-Content-Digest, Location, Range, Link, WWW-Authenticate, OCI-Subject, OCI-Filters-Applied, OCI-Chunk-Min-Length, Docker-Upload-UUID, ETag, Warning, Docker-Distribution-Api-Version';

/** The `http.headers` block for a distribution registry without auth, allowing exactly `origin`. */
export function distributionCorsConfig(origin: string): string {
  return `http:
  headers:
    X-Content-Type-Options: [nosniff]
    Access-Control-Allow-Origin: ['${origin}']
    Access-Control-Allow-Methods: ['${CORS_ALLOWED_METHODS}']
    Access-Control-Allow-Headers: ['${CORS_ALLOWED_HEADERS}']
    Access-Control-Expose-Headers: ['${CORS_EXPOSED_HEADERS}']
    Access-Control-Max-Age: ['600']
`;
}

const HIDE = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
  'Access-Control-Max-Age',
];

/**
 * An nginx site that answers preflights itself and proxies `/v2/` to `upstream` (e.g. `http://127.0.0.1:5001`),
 * for registries with auth (distribution answers OPTIONS with 401). Same text as `renderNginxSite` in
 * scripts/lib/nginx.mjs for one origin.
 */
export function nginxCorsRecipe(origin: string, upstream: string, listen = '443 ssl'): string {
  const any = origin === '*';
  const variable = '$wasmlens_cors_origin';
  const originVar = any ? '"*"' : variable;
  const map = any
    ? ''
    : `map $http_origin ${variable} {
    default "";
    ${JSON.stringify(origin)} $http_origin;
}
`;
  return `${map}server {
    listen ${listen};
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 900s; proxy_send_timeout 900s;
    location /v2/ {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin  ${originVar} always;
            add_header Access-Control-Allow-Methods "${CORS_ALLOWED_METHODS}" always;
            add_header Access-Control-Allow-Headers "${CORS_ALLOWED_HEADERS}" always;
            add_header Access-Control-Max-Age 600 always;
            add_header Vary Origin always;
            return 204;
        }
        proxy_pass ${upstream};
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-Proto $scheme;
${HIDE.map((h) => `        proxy_hide_header ${h};`).join('\n')}
        add_header Access-Control-Allow-Origin ${originVar} always;
        add_header Access-Control-Expose-Headers "${CORS_EXPOSED_HEADERS}" always;
        add_header Vary Origin always;
    }
}
`;
}
