/**
 * 发货单, print-optimized: A4 portrait, black on white, nothing but the note when printed. 打印 /
 * 另存为 PDF opens the browser's print dialog (choose 另存为 PDF) — the browser renders Chinese with
 * the system fonts, so no CJK font is bundled.
 */
import { useEffect } from 'react';
import { useParams } from 'react-router-dom';
import { Button } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { bo } from '../api/client';
import { Async, useApi } from '../components/states';
import { fen, statusLabel } from '../format';

const CSS = `
.note { width: 190mm; margin: 16px auto; background: #fff; color: #000; padding: 12mm; font-size: 13px; box-shadow: 0 0 8px rgba(0,0,0,.15); }
.note h1 { text-align: center; font-size: 22px; margin: 0 0 4px; letter-spacing: 8px; }
.note .sub { text-align: center; margin-bottom: 12px; }
.note table { width: 100%; border-collapse: collapse; }
.note th, .note td { border: 1px solid #000; padding: 4px 6px; }
.note .meta td { border: none; padding: 2px 0; }
.note .num { text-align: right; }
.note .sign { display: flex; justify-content: space-between; margin-top: 28px; }
.note-bar { text-align: center; margin-top: 16px; }
@page { size: A4 portrait; margin: 10mm; }
@media print { body { background: #fff !important; } .note-bar { display: none; } .note { box-shadow: none; margin: 0; padding: 0; width: auto; } }
`;

export default function DeliveryNote() {
  const { orderId = '' } = useParams();
  const state = useApi(() => bo('deliveryNote', { orderId }), [orderId]);
  useEffect(() => {
    if (state.data) document.title = `发货单 ${state.data.orderNo}`;
  }, [state.data]);
  return (
    <div style={{ background: '#f0f2f5', minHeight: '100vh', paddingBottom: 24 }}>
      <style>{CSS}</style>
      <Async state={state} empty="订单不存在">
        {(n) => (
          <>
            <div className="note-bar">
              <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="print">
                打印 / 另存为 PDF
              </Button>
            </div>
            <div className="note" data-testid="delivery-note">
              <h1>发货单</h1>
              <div className="sub">{n.supplierName}</div>
              <table className="meta">
                <tbody>
                  <tr>
                    <td>单号：{n.orderNo}</td>
                    <td>下单日期：{n.orderDate}</td>
                    <td>发货日期：{n.date}</td>
                  </tr>
                  <tr>
                    <td>客户：{n.customer.name}（{n.customer.code}）</td>
                    <td>交期：{n.dueDate ?? '—'}</td>
                    <td>状态：{statusLabel(n.status)}</td>
                  </tr>
                  <tr>
                    <td colSpan={2}>收货：{n.address.contact} {n.address.phone} {n.address.address}</td>
                    <td>跟单员：{n.merchandiser}</td>
                  </tr>
                </tbody>
              </table>
              <table style={{ marginTop: 8 }}>
                <thead>
                  <tr>
                    <th>序号</th><th>编码</th><th>商品</th><th>规格</th><th>数量</th><th>单价</th><th>金额</th>
                  </tr>
                </thead>
                <tbody>
                  {n.lines.map((l) => (
                    <tr key={l.no}>
                      <td>{l.no}</td><td>{l.skuCode}</td><td>{l.name}</td><td>{l.spec}</td><td>{l.quantityText}</td>
                      <td className="num">{fen(l.unitPriceFen)}</td><td className="num">{fen(l.amountFen)}</td>
                    </tr>
                  ))}
                  <tr>
                    <td colSpan={4}>合计</td><td>{n.totalQty}</td><td /><td className="num" data-testid="note-total">{fen(n.totalFen)}</td>
                  </tr>
                </tbody>
              </table>
              <div style={{ marginTop: 8 }}>备注：{n.remark || '—'}</div>
              <div className="sign">
                <span>发货人：__________</span><span>送货人：__________</span><span>收货人签字：__________</span>
              </div>
            </div>
          </>
        )}
      </Async>
    </div>
  );
}
