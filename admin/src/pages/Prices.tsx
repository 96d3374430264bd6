export default function Prices() {
  return <div>Prices</div>;
}
