import { readFileSync } from 'node:fs';
import { buildCatalog } from '../probes/catalog.js';
import { ReadinessSweep } from '../src/suites/readiness/sweep.js';
import { RegionClient } from '../src/target/kube.js';
import { HttpClient } from '../src/target/http.js';
const kit = JSON.parse(readFileSync('fixtures/bootstrap-kit-48.json','utf8'));
const target = JSON.parse(readFileSync('/tmp/bw/target.json','utf8'));
const catalog = buildCatalog(kit);
const primary = target.regions.find((r: {role:string})=>r.role==='primary');
const ms: number[]=[]; const cpu: number[]=[];
for (let i=0;i<7;i++){
 const c=process.cpuUsage(); const t=performance.now();
 const region = new RegionClient(primary); const http = new HttpClient(target);
 const sw = new ReadinessSweep([{region, http, sovereign: target.sovereign, placeholder:'<sov>'}], catalog, {deadlineMs:30000, settleMs:0});
 await sw.start(); const res = await sw.all(); sw.stop(); await http.close();
 const u=process.cpuUsage(c); if(i>0){ms.push(performance.now()-t); cpu.push((u.user+u.system)/1000);}
 if ([...res.values()].some(r=>r.status!=='passed')) console.log('BAD');
}
const med=(a:number[])=>[...a].sort((x,y)=>x-y)[a.length>>1];
console.log('median wall', Math.round(med(ms)), 'median harness cpu', Math.round(med(cpu)));
