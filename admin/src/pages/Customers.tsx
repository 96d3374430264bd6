export default function Customers() {
  return <div>Customers</div>;
}
