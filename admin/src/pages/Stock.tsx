export default function Stock() {
  return <div>Stock</div>;
}
