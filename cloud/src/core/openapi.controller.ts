/** GET /api/openapi.json and a tiny viewer at /api/docs (not in production). */
import { Config, Controller, Get } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import type { AppEnv } from '../config/env';
import { AppError } from './errors';
import { buildOpenApi } from './openapi';

const VIEWER = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:24px;max-width:1100px}h2{margin-top:28px}
details{border:1px solid #ddd;border-radius:6px;margin:6px 0;padding:6px 10px}summary{cursor:pointer}
code.m{display:inline-block;width:56px;font-weight:bold}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:360px}</style></head>
<body><h1>社区私域中枢 API</h1><p>Source: <a href="/api/openapi.json">/api/openapi.json</a></p><div id="root">加载中…</div>
<script>
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
  const root=document.getElementById('root');root.textContent='';
  const groups={};
  for(const [p,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(groups[op.tags[0]]??=[]).push([m,p,op]);
  for(const [g,list] of Object.entries(groups)){
    const h=document.createElement('h2');h.textContent=g;root.appendChild(h);
    for(const [m,p,op] of list){
      const d=document.createElement('details');const s=document.createElement('summary');
      s.innerHTML='<code class="m"></code><code class="p"></code> — <span></span>';
      s.querySelector('.m').textContent=m.toUpperCase();s.querySelector('.p').textContent=p;
      s.querySelector('span').textContent=op.summary+' ['+op['x-auth']+(op['x-roles']?': '+op['x-roles'].join(','):'')+']';
      const pre=document.createElement('pre');pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses['200']},null,2);
      d.appendChild(s);d.appendChild(pre);root.appendChild(d);
    }
  }
});
</script></body></html>`;

/** Built once per process: the contracts do not change at run time. */
let cached: Record<string, unknown> | null = null;

@Controller('/api')
export class OpenApiController {
  @Config('hub')
  env!: AppEnv;

  @Get('/openapi.json')
  async document(ctx: Context) {
    if (this.env.NODE_ENV === 'production') throw new AppError('NOT_FOUND');
    cached ??= buildOpenApi({ version: '0.1.0', serverUrl: this.env.PUBLIC_BASE_URL });
    ctx.set('cache-control', 'no-cache');
    return cached;
  }

  @Get('/docs')
  async docs(ctx: Context) {
    if (this.env.NODE_ENV === 'production') throw new AppError('NOT_FOUND');
    ctx.type = 'html';
    return VIEWER;
  }
}
