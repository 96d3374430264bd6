/**
 * Builds samples/samples.xlsx from the CSV samples: one workbook, one sheet per kind (商品,
 * 价格表, 客户, 库存), the way a supplier keeps them — with a title line above the header on the
 * 价格表 sheet, numbers typed as numbers and 是/否 as text.
 *
 *   npx tsx scripts/import/samples/make-xlsx.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';

const DIR = __dirname;
const SHEETS: [string, string, string | null][] = [
  ['商品', 'products.csv', null],
  ['价格表', 'prices.csv', '2026年度价格表（单位：元）'],
  ['客户', 'customers.csv', null],
  ['库存', 'stock.csv', null],
];

export async function buildSamplesWorkbook(): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '订货通';
  for (const [name, file, title] of SHEETS) {
    const ws = wb.addWorksheet(name);
    if (title) ws.addRow([title]).font = { bold: true };
    const lines = fs.readFileSync(path.join(DIR, file), 'utf8').trim().split('\n');
    lines.forEach((line, i) => {
      const cells = line.split(',').map((c) => (i > 0 && /^\d+(\.\d+)?$/.test(c) && !/^0\d/.test(c) ? Number(c) : c));
      const row = ws.addRow(cells);
      if (i === 0) row.font = { bold: true };
    });
    ws.columns.forEach((c) => (c.width = 14));
  }
  return wb;
}

if (require.main === module) {
  buildSamplesWorkbook()
    .then((wb) => wb.xlsx.writeFile(path.join(DIR, 'samples.xlsx')))
    .then(() => console.log(`wrote ${path.join(DIR, 'samples.xlsx')}`));
}
