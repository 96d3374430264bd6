export default function Imports() {
  return <div>Imports</div>;
}
