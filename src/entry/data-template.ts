/**
 * Builds dist/pgdata-template (see src/db/data-template.ts) when it is missing or older than the
 * migrations; scripts/build.mjs runs it after bundling, so `npm install` and `npm start` keep it
 * current and a new embedded data dir starts from a copy instead of a 7-second initdb.
 * The check loads nothing heavy (it runs before every start); PGlite and the migrator load only to build.
 * A failure only costs speed: the server then creates its data dir the slow way.
 */
import { rmSync } from "node:fs";
import { dataTemplateDir, dataTemplateState, installDataTemplate } from "../db/data-template.ts";
import { newestMigrationInCode } from "../db/migrations-folder.ts";

if (dataTemplateState() !== "current") {
  const started = Date.now();
  console.log("正在准备嵌入式数据库模板（只在安装或数据库结构更新后做一次，新数据目录由它复制而来）…");
  const building = `${dataTemplateDir}.build-${process.pid}`;
  try {
    const { createPgliteDatabase } = await import("../db/client-pglite.ts");
    const { migrateEmbedded } = await import("../db/migrate.ts");
    const handle = await createPgliteDatabase(building);
    try {
      await migrateEmbedded(handle, building);
    } finally {
      await handle.close();
    }
    installDataTemplate(building, newestMigrationInCode());
    console.log(`嵌入式数据库模板已就绪（${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
  } catch (error) {
    // Another build may have installed one meanwhile; either way the server still starts without it.
    console.warn(`嵌入式数据库模板未能生成，新数据目录将在首次启动时初始化：${(error as Error).message}`);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}
