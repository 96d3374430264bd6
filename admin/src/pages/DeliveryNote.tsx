export default function DeliveryNote() {
  return <div>DeliveryNote</div>;
}
